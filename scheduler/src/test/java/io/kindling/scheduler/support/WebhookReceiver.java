package io.kindling.scheduler.support;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A real HTTP receiver on 127.0.0.1 that answers 200 and keeps every request. Its port is chosen up front, so a test
 * can point a webhook at it before it listens (a receiver that is down) and start it later.
 */
public final class WebhookReceiver implements AutoCloseable {
    /** One request as it arrived. */
    public record Received(String path, Map<String, List<String>> headers, String body) {
        public String header(String name) {
            for (Map.Entry<String, List<String>> e : headers.entrySet()) {
                if (e.getKey().equalsIgnoreCase(name)) {
                    return e.getValue().get(0);
                }
            }
            return null;
        }
    }

    private final int port;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private HttpServer server;
    /**
     * Holds the port until the receiver starts: bound, not listening, so a connection to it is refused (the
     * receiver is down) and the kernel hands the port to nobody else. A receiver made down and started a minute
     * later (the dashboard's retry test) once found its port taken by another connection in between.
     */
    private Socket reservation;

    public WebhookReceiver() {
        try {
            reservation = new Socket();
            reservation.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            port = reservation.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void release() {
        try {
            if (reservation != null) {
                reservation.close();
                reservation = null;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    public WebhookReceiver start() {
        release();
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            received.add(
                    new Received(exchange.getRequestURI().getPath(), Map.copyOf(exchange.getRequestHeaders()), body));
            byte[] answer = "ok".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        server.start();
        return this;
    }

    public List<Received> received() {
        return List.copyOf(received);
    }

    @Override
    public void close() {
        release();
        if (server != null) {
            server.stop(0);
        }
    }

    /**
     * What a receiver does with {@code X-Kindling-Signature} ({@code sha256=<hex>}): recompute the HMAC of the raw
     * body with the shared secret and compare. Written here from the documented scheme, not with the daemon's code.
     */
    public static boolean validSignature(String header, String body, String secret) {
        return header != null && header.equals("sha256=" + hmac(secret, body));
    }

    /**
     * What a receiver does with {@code X-Kindling-Signature-Timestamped} ({@code t=<unix>,v1=<hex>}): recompute the
     * HMAC of "t.body", compare, and refuse a stale time.
     */
    public static boolean validTimestampedSignature(String header, String body, String secret) {
        if (header == null) {
            return false;
        }
        String t = header.split(",")[0].substring(2);
        String v1 = header.split(",")[1].substring(3);
        return hmac(secret, t + "." + body).equals(v1)
                && Math.abs(Instant.now().getEpochSecond() - Long.parseLong(t)) < 300;
    }

    private static String hmac(String secret, String message) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(message.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
