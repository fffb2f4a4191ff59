package io.kindling.scheduler.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/**
 * Requests with exactly the headers a test gives (no token added, redirects not followed), for the auth tests;
 * and {@link #token} to make a token through the API with the test admin token.
 */
public final class RawHttp {
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    private RawHttp() {}

    public static HttpResponse<String> get(String url, String... headers) {
        return send(builder(url, headers).GET().build());
    }

    public static HttpResponse<String> post(String url, String json, String... headers) {
        return send(builder(url, headers)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json))
                .build());
    }

    /** {@code Authorization: Bearer <token>}, as header name and value for the methods above. */
    public static String[] bearer(String token) {
        return new String[] {"Authorization", "Bearer " + token};
    }

    public static JsonNode json(HttpResponse<String> response) {
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new AssertionError("not JSON (" + response.statusCode() + "): " + response.body(), e);
        }
    }

    /** A new token with {@code role} (and {@code pipelines}, if not null), made by the test admin; its secret. */
    public static String token(KindlingApp app, String role, String pipelines) {
        Map<String, Object> body = new java.util.LinkedHashMap<>();
        body.put("name", "test " + role);
        body.put("role", role);
        if (pipelines != null) {
            body.put("pipelines", pipelines);
        }
        try {
            HttpResponse<String> created =
                    post(app.api("/tokens"), JSON.writeValueAsString(body), bearer(KindlingApp.ADMIN_TOKEN));
            if (created.statusCode() != 201) {
                throw new AssertionError("POST /tokens: " + created.statusCode() + " " + created.body());
            }
            return json(created).get("token").asText();
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static HttpRequest.Builder builder(String url, String... headers) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60));
        for (int i = 0; i + 1 < headers.length; i += 2) {
            builder.header(headers[i], headers[i + 1]);
        }
        return builder;
    }

    private static HttpResponse<String> send(HttpRequest request) {
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
