package io.kindling.scheduler.alerts;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * An HTTP POST of each body a format makes of an event (PagerDuty's resolve needs several), signed when the entry
 * names a secret. A 2xx answer to every body delivers; the first other answer fails the attempt, and the retry sends
 * them all again (each format's bodies are idempotent at their receiver). Redirects are not followed and at most
 * {@link #RESPONSE_LIMIT} bytes of an answer are read.
 */
final class HttpChannel implements Channel {
    static final int RESPONSE_LIMIT = 64 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Turns an event into request bodies; secrets come from the environment at this moment, never the outbox. */
    @FunctionalInterface
    interface Bodies {
        List<String> of(JsonNode event, String eventJson);
    }

    private final URI url;
    private final Duration timeout;
    private final Map<String, String> headers;
    private final String contentType;
    private final String secretEnv;
    private final Function<String, String> env;
    private final Bodies bodies;
    private final Supplier<HttpClient> http;

    HttpChannel(
            URI url,
            Duration timeout,
            Map<String, String> headers,
            String contentType,
            String secretEnv,
            Function<String, String> env,
            Bodies bodies,
            Supplier<HttpClient> http) {
        this.url = requireNonNull(url, "url is null");
        this.timeout = requireNonNull(timeout, "timeout is null");
        this.headers = Map.copyOf(headers);
        this.contentType = requireNonNull(contentType, "contentType is null");
        this.secretEnv = requireNonNull(secretEnv, "secretEnv is null");
        this.env = requireNonNull(env, "env is null");
        this.bodies = requireNonNull(bodies, "bodies is null");
        this.http = requireNonNull(http, "http is null");
    }

    @Override
    public Outcome send(Notice notice, Instant at) throws InterruptedException {
        Optional<Integer> status = Optional.empty();
        try {
            for (String body : bodies.of(JSON.readTree(notice.payload()), notice.payload())) {
                HttpResponse<InputStream> response =
                        http.get().send(request(notice, body, at), HttpResponse.BodyHandlers.ofInputStream());
                status = Optional.of(response.statusCode());
                String answer;
                try (InputStream in = response.body()) {
                    answer = new String(in.readNBytes(RESPONSE_LIMIT), StandardCharsets.UTF_8);
                }
                if (response.statusCode() / 100 != 2) {
                    return Outcome.failed(
                            status,
                            "HTTP " + response.statusCode()
                                    + (answer.isBlank() ? "" : ": " + AlertMessages.excerpt(answer.strip())));
                }
            }
            return Outcome.delivered(status);
        } catch (IOException | RuntimeException e) {
            return Outcome.failed(e);
        }
    }

    private HttpRequest request(Notice notice, String body, Instant at) {
        HttpRequest.Builder request = HttpRequest.newBuilder(url)
                .timeout(timeout)
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        headers.forEach(request::header);
        request.header("Content-Type", contentType)
                .header("User-Agent", "Kindling")
                .header("X-Kindling-Event", notice.eventType())
                .header("X-Kindling-Event-Id", notice.eventId())
                .header("X-Kindling-Delivery", notice.deliveryId());
        String secret = secretEnv.isEmpty() ? null : env.apply(secretEnv);
        if (secret != null && !secret.isEmpty()) {
            request.header(Signature.HEADER, Signature.header(secret, body))
                    .header(Signature.TIMESTAMPED_HEADER, Signature.timestamped(secret, at.getEpochSecond(), body));
        }
        return request.build();
    }
}
