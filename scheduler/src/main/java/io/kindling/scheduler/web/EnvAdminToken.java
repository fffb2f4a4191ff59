package io.kindling.scheduler.web;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Optional;
import java.util.function.Function;

/**
 * One admin token from the environment variable {@value #VARIABLE}; with none set, nobody is admin. Tokens are
 * compared as SHA-256 digests with {@link MessageDigest#isEqual}, in constant time whatever the lengths.
 */
public final class EnvAdminToken implements AdminAuthenticator {
    public static final String VARIABLE = "KINDLING_ADMIN_TOKEN";

    private final Optional<byte[]> expected;

    public EnvAdminToken(Function<String, String> env) {
        String token = env.apply(VARIABLE);
        this.expected = token == null || token.isBlank() ? Optional.empty() : Optional.of(digest(token));
    }

    public boolean configured() {
        return expected.isPresent();
    }

    @Override
    public boolean isAdmin(String bearerToken) {
        return expected.isPresent() && MessageDigest.isEqual(expected.get(), digest(bearerToken));
    }

    private static byte[] digest(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
