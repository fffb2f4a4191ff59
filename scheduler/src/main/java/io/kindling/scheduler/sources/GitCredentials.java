package io.kindling.scheduler.sources;

import java.net.URI;
import java.util.Optional;
import java.util.function.Function;
import org.eclipse.jgit.transport.CredentialsProvider;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;

/**
 * A git source's credentials, read from environment variables each time they are needed and never kept in
 * configuration, logs or API answers. {@link #redact} masks them (and any user info written into the URL) in
 * every message that leaves the source.
 */
final class GitCredentials {
    /** Token-based hosts accept any user name with a token; this one is used when none is configured. */
    static final String DEFAULT_USERNAME = "git";

    private final Optional<String> usernameEnv;
    private final Optional<String> passwordEnv;
    private final Function<String, String> env;

    GitCredentials(Optional<String> usernameEnv, Optional<String> passwordEnv, Function<String, String> env) {
        this.usernameEnv = usernameEnv.filter(s -> !s.isBlank());
        this.passwordEnv = passwordEnv.filter(s -> !s.isBlank());
        this.env = env;
    }

    /** The provider for one fetch; empty when no credentials are configured. */
    Optional<CredentialsProvider> provider() {
        if (passwordEnv.isEmpty() && usernameEnv.isEmpty()) {
            return Optional.empty();
        }
        String username = usernameEnv.map(name -> required(name)).orElse(DEFAULT_USERNAME);
        String password = passwordEnv.map(name -> required(name)).orElse("");
        return Optional.of(new UsernamePasswordCredentialsProvider(username, password));
    }

    private String required(String name) {
        String value = env.apply(name);
        if (value == null || value.isEmpty()) {
            throw new SourceException("environment variable " + name + " (git credentials) is not set");
        }
        return value;
    }

    /** {@code message} with the password and the URL's user info replaced by {@code ***}. */
    String redact(String message, String url) {
        if (message == null) {
            return "";
        }
        String out = message;
        String shown = safeUrl(url);
        if (!shown.equals(url)) {
            out = out.replace(url, shown);
        }
        String userInfo = userInfo(url);
        if (userInfo != null) {
            out = out.replace(userInfo, "***");
        }
        String secret = passwordEnv.map(env).orElse(null);
        if (secret != null && secret.length() >= 4) { // a shorter "secret" would mask ordinary words
            out = out.replace(secret, "***");
            // as it appears inside URLs and form bodies, e.g. in a git error that quotes the remote URL
            String encoded = java.net.URLEncoder.encode(secret, java.nio.charset.StandardCharsets.UTF_8);
            if (!encoded.equals(secret)) {
                out = out.replace(encoded, "***").replace(encoded.replace("+", "%20"), "***");
            }
        }
        return out;
    }

    /** The URL as it may be shown: without user info (where people sometimes put a token). */
    static String safeUrl(String url) {
        String userInfo = userInfo(url);
        return userInfo == null ? url : url.replace(userInfo + "@", "***@");
    }

    private static String userInfo(String url) {
        try {
            return URI.create(url).getRawUserInfo();
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
