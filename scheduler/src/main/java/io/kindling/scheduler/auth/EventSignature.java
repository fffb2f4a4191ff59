package io.kindling.scheduler.auth;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Checks a signed inbound event: {@code X-Kindling-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "t." + the raw
 * body>}, the format Kindling's outbound webhooks sign with (alerts' {@code Signature}), under the secret the
 * pipeline's {@code trigger: {events: {secret: NAME}}} names. A timestamp more than {@link #WINDOW} away from now is
 * refused, so a captured request cannot be sent again later.
 */
public final class EventSignature {
    public static final String HEADER = "X-Kindling-Signature";
    /** How far a signature's timestamp may be from the daemon's clock, either way. */
    public static final Duration WINDOW = Duration.ofMinutes(5);

    private EventSignature() {}

    /** The header's value for {@code body} signed at {@code unixSeconds}: what a sender computes. */
    public static String header(String secret, long unixSeconds, byte[] body) {
        return "t=" + unixSeconds + ",v1=" + HexFormat.of().formatHex(hmac(secret, unixSeconds, body));
    }

    /**
     * @return empty when {@code header} signs {@code body} with {@code secret} within the window; else what is wrong
     */
    public static Optional<String> problem(String header, String secret, byte[] body, Instant now) {
        Long t = null;
        String v1 = null;
        for (String part : header.split(",")) {
            String[] kv = part.strip().split("=", 2);
            if (kv.length == 2 && kv[0].equals("t") && kv[1].matches("\\d{1,12}")) {
                t = Long.parseLong(kv[1]);
            } else if (kv.length == 2 && kv[0].equals("v1") && kv[1].matches("[0-9a-fA-F]{64}")) {
                v1 = kv[1];
            }
        }
        if (t == null || v1 == null) {
            return Optional.of(HEADER + " must be t=<unix seconds>,v1=<hex HMAC-SHA256 of \"<t>.<body>\">");
        }
        if (Duration.between(Instant.ofEpochSecond(t), now).abs().compareTo(WINDOW) > 0) {
            return Optional.of("the signature's timestamp t=" + t + " is more than " + WINDOW.toMinutes()
                    + " minutes from the daemon's clock (" + now.getEpochSecond()
                    + "): sign each request when sending it");
        }
        byte[] given = HexFormat.of().parseHex(v1);
        if (!MessageDigest.isEqual(given, hmac(secret, t, body))) {
            return Optional.of("the signature does not match the body (HMAC-SHA256 of \"<t>.<raw body>\" with the "
                    + "pipeline's events secret)");
        }
        return Optional.empty();
    }

    private static byte[] hmac(String secret, long unixSeconds, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update((unixSeconds + ".").getBytes(StandardCharsets.US_ASCII));
            return mac.doFinal(body);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
