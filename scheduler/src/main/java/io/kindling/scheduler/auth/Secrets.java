package io.kindling.scheduler.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** Random secrets (tokens, session ids) and their stored form. */
public final class Secrets {
    /** Tokens start with this so a leaked one is easy to recognise (secret scanners, logs). */
    public static final String TOKEN_PREFIX = "kdl_";
    /** What a token may look like: one word, so it survives shells, headers, URLs and config files. */
    public static final Pattern TOKEN_SHAPE = Pattern.compile("[A-Za-z0-9_.~+/=-]{24,256}");

    private static final SecureRandom RANDOM = new SecureRandom();

    private Secrets() {}

    /** {@code kdl_} and 32 random bytes in base64url: 47 characters, 256 bits of entropy. */
    public static String newToken() {
        return TOKEN_PREFIX + random();
    }

    public static String newSessionId() {
        return random();
    }

    private static String random() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /**
     * SHA-256 in hex. Enough for secrets of 256 random bits: no dictionary to try, so the slow hashes passwords
     * need would only slow down every request.
     */
    public static String hash(String secret) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
