package io.kindling.scheduler.alerts;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Two signatures of a delivery with the webhook's secret. {@code X-Kindling-Signature: sha256=<hex HMAC-SHA256 of the
 * body>}, as the design promises and as GitHub signs (receivers such as Debian's {@code webhook} check it as it is);
 * and {@code X-Kindling-Signature-Timestamped: t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">}, which also lets
 * a receiver refuse old timestamps, so that a captured request cannot be replayed later.
 */
public final class Signature {
    public static final String HEADER = "X-Kindling-Signature";
    public static final String TIMESTAMPED_HEADER = "X-Kindling-Signature-Timestamped";

    private Signature() {}

    public static String header(String secret, String body) {
        return "sha256=" + hmac(secret, body);
    }

    public static String timestamped(String secret, long unixSeconds, String body) {
        return "t=" + unixSeconds + ",v1=" + hmac(secret, unixSeconds + "." + body);
    }

    static String hmac(String secret, String message) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(message.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
