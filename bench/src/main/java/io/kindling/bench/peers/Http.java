package io.kindling.bench.peers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/** JSON over HTTP to a system's API, with an optional bearer token. */
final class Http {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    private final String base;
    volatile String token;
    /** Requests sent again after a 503. */
    final java.util.concurrent.atomic.AtomicInteger retried = new java.util.concurrent.atomic.AtomicInteger();

    Http(String base) {
        this.base = base;
    }

    /** The status of GET {@code path}; -1 when nothing answers. */
    int status(String path) throws InterruptedException {
        try {
            return CLIENT.send(request(path).GET().build(), HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        } catch (IOException e) {
            return -1;
        }
    }

    JsonNode get(String path) throws IOException, InterruptedException {
        return send("GET", path, null);
    }

    JsonNode post(String path, Object body) throws IOException, InterruptedException {
        return send("POST", path, body);
    }

    JsonNode patch(String path, Object body) throws IOException, InterruptedException {
        return send("PATCH", path, body);
    }

    /** Sends and parses the answer; an exception with the body unless it is a 2xx. */
    JsonNode send(String method, String path, Object body) throws IOException, InterruptedException {
        HttpRequest.Builder r = request(path);
        if (body == null) {
            r.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            r.header("Content-Type", "application/json")
                    .method(
                            method,
                            HttpRequest.BodyPublishers.ofString(
                                    body instanceof String s ? s : JSON.writeValueAsString(body)));
        }
        HttpResponse<String> a = exchange(r.build());
        // Prefect on SQLite answers 503 while its database is locked: sent again, counted
        for (int attempt = 1; a.statusCode() == 503 && attempt <= 10; attempt++) {
            retried.incrementAndGet();
            Thread.sleep(100L * attempt);
            a = exchange(r.build());
        }
        if (a.statusCode() / 100 != 2) {
            throw new IOException(method + " " + path + " answered " + a.statusCode() + ": "
                    + a.body().substring(0, Math.min(300, a.body().length())));
        }
        return a.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(a.body());
    }

    /**
     * One exchange; sent again (up to 3 times) when a kept-alive connection the server had just closed answers
     * nothing (uvicorn closes idle connections after 5 s).
     */
    private HttpResponse<String> exchange(HttpRequest request) throws IOException, InterruptedException {
        for (int attempt = 1; ; attempt++) {
            try {
                return CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
            } catch (IOException e) {
                if (attempt >= 3 || !String.valueOf(e.getMessage()).contains("received no bytes")) {
                    throw e;
                }
                retried.incrementAndGet();
            }
        }
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60));
        if (token != null) {
            r.header("Authorization", "Bearer " + token);
        }
        return r;
    }

    static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }
}
