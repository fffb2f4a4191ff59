package io.kindling.scheduler.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * Where the CLI's commands that call a daemon find its address and a token, first match wins:
 * the flags ({@code --url}, {@code --token}), the environment ({@code KINDLING_URL}, {@code KINDLING_TOKEN}),
 * then the profile file ({@code $KINDLING_PROFILE}, default {@code ~/.config/kindling/profile}) with {@code url}
 * and {@code token}, as properties ({@code token=kdl_...}) or a JSON object. A future {@code kindling login}
 * writes that file.
 */
public record Profile(String url, Optional<String> token) {
    static final String URL_ENV = "KINDLING_URL";
    static final String TOKEN_ENV = "KINDLING_TOKEN";
    static final String PROFILE_ENV = "KINDLING_PROFILE";
    static final String DEFAULT_URL = "http://localhost:8080"; // the API port of the root config.yml

    public static Profile resolve(String urlFlag, String tokenFlag, Map<String, String> env) {
        Properties file = read(profileFile(env));
        String url = first(urlFlag, env.get(URL_ENV), file.getProperty("url")).orElse(DEFAULT_URL);
        return new Profile(url, first(tokenFlag, env.get(TOKEN_ENV), file.getProperty("token")));
    }

    static Path profileFile(Map<String, String> env) {
        String path = env.get(PROFILE_ENV);
        if (path != null && !path.isBlank()) {
            return Path.of(path);
        }
        return Path.of(System.getProperty("user.home"), ".config", "kindling", "profile");
    }

    private static Optional<String> first(String... values) {
        for (String v : values) {
            if (v != null && !v.isBlank()) {
                return Optional.of(v.strip());
            }
        }
        return Optional.empty();
    }

    private static Properties read(Path file) {
        Properties props = new Properties();
        if (!Files.isRegularFile(file)) {
            return props;
        }
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            if (text.stripLeading().startsWith("{")) {
                JsonNode json = new ObjectMapper().readTree(text);
                json.fields().forEachRemaining(e -> props.setProperty(e.getKey(), e.getValue().asText()));
            } else {
                props.load(new StringReader(text));
            }
            return props;
        } catch (IOException e) {
            throw new CommandFailedException("cannot read the profile " + file + ": " + e.getMessage());
        }
    }
}
