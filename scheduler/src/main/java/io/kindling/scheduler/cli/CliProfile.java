package io.kindling.scheduler.cli;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * Where the operator's commands find the daemon and the token: {@code --url}, then {@code $KINDLING_URL}, then the
 * profile that {@code kindling login} wrote, then http://localhost:8080; the token from {@code $KINDLING_TOKEN},
 * then the profile. The profile is a properties file ({@code url}, {@code token}) readable by its owner only,
 * at {@code --profile}, {@code $KINDLING_PROFILE} or {@code ~/.config/kindling/profile}.
 */
record CliProfile(String url, Optional<String> token) {
    static final String URL_ENV = "KINDLING_URL";
    static final String TOKEN_ENV = "KINDLING_TOKEN";
    static final String PROFILE_ENV = "KINDLING_PROFILE";
    static final String DEFAULT_URL = "http://localhost:8080"; // the API port of the root config.yml

    /** The daemon to call and the token to send, from the flag, the environment and the saved profile. */
    static CliProfile resolve(String urlFlag, String profileFlag, Map<String, String> env) {
        Properties saved = read(file(profileFlag, env));
        String url = firstNonBlank(urlFlag, env.get(URL_ENV), saved.getProperty("url"), DEFAULT_URL);
        String token = firstNonBlank(env.get(TOKEN_ENV), saved.getProperty("token"), null);
        return new CliProfile(url, Optional.ofNullable(token));
    }

    /** {@code --profile}, else {@code $KINDLING_PROFILE}, else {@code ~/.config/kindling/profile}. */
    static Path file(String profileFlag, Map<String, String> env) {
        if (profileFlag != null && !profileFlag.isBlank()) {
            return Path.of(profileFlag);
        }
        String explicit = env.get(PROFILE_ENV);
        if (explicit != null && !explicit.isBlank()) {
            return Path.of(explicit);
        }
        return Path.of(System.getProperty("user.home"), ".config", "kindling", "profile");
    }

    /** Writes the profile with owner-only permissions from the start (never world-readable, not even briefly). */
    static void save(Path file, String url, String token) {
        Properties p = new Properties();
        p.setProperty("url", url);
        p.setProperty("token", token);
        try {
            Path parent = file.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            Path temp = parent.resolve(file.getFileName() + ".tmp");
            Files.deleteIfExists(temp);
            Files.createFile(temp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            try (Writer out = Files.newBufferedWriter(temp, StandardCharsets.UTF_8, StandardOpenOption.WRITE)) {
                p.store(out, "kindling login: the daemon and the token the operator's commands use");
            }
            Files.move(
                    temp,
                    file,
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new CommandFailedException("cannot write the profile " + file + ": " + e.getMessage());
        }
    }

    private static Properties read(Path file) {
        Properties p = new Properties();
        if (Files.isRegularFile(file)) {
            try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                p.load(in);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the profile " + file, e);
            }
        }
        return p;
    }

    private static String firstNonBlank(String... values) {
        for (String v : values) {
            if (v != null && !v.isBlank()) {
                return v.strip();
            }
        }
        return null;
    }
}
