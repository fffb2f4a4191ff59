package io.kindling.scheduler.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * The daemon's JSON API over the JDK's HTTP client, for the commands that talk to a running daemon. Every call
 * carries the token when there is one; an error answer or no answer ends the command with the daemon's message.
 */
final class DaemonClient {
    private final String baseUrl;
    private final Optional<String> token;
    private final ObjectMapper json;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    DaemonClient(String url, Optional<String> token, ObjectMapper json) {
        this.baseUrl = baseUrl(url);
        this.token = token;
        this.json = json;
    }

    DaemonClient(CliProfile profile, ObjectMapper json) {
        this(profile.url(), profile.token(), json);
    }

    String baseUrl() {
        return baseUrl;
    }

    /** A text answer with its headers, e.g. a log and where its next read starts. */
    record Text(String body, Map<String, java.util.List<String>> headers) {
        Optional<String> header(String name) {
            return headers.entrySet().stream()
                    .filter(e -> e.getKey().equalsIgnoreCase(name))
                    .flatMap(e -> e.getValue().stream())
                    .findFirst();
        }
    }

    JsonNode get(String path) throws InterruptedException {
        return parseAnswer(path, send(path, null, "application/json"));
    }

    /** POSTs {@code body} as JSON (an empty object when null: state changes always carry a JSON body). */
    JsonNode post(String path, Object body) throws InterruptedException {
        return parseAnswer(path, send(path, body == null ? Map.of() : body, "application/json"));
    }

    Text getText(String path) throws InterruptedException {
        HttpResponse<String> response = send(path, null, "text/plain, application/json");
        if (response.statusCode() >= 400) {
            throw failure(path, response.statusCode(), parse(response.body()));
        }
        return new Text(response.body(), response.headers().map());
    }

    static String segment(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private HttpResponse<String> send(String path, Object body, String accept) throws InterruptedException {
        String url = baseUrl + "/api/v1" + path;
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
                // generous: a large backfill's POST writes thousands of rows before it answers
                .timeout(Duration.ofSeconds(60))
                .header("Accept", accept);
        token.ifPresent(t -> request.header("Authorization", "Bearer " + t));
        try {
            if (body != null) {
                request.header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body)));
            }
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new CommandFailedException("cannot reach the Kindling daemon at " + baseUrl + ": " + reason(e));
        }
    }

    private JsonNode parseAnswer(String path, HttpResponse<String> response) {
        JsonNode answer = parse(response.body());
        if (response.statusCode() >= 400) {
            throw failure(path, response.statusCode(), answer);
        }
        if (answer == null) {
            throw new CommandFailedException(
                    "not a JSON answer from " + baseUrl + "/api/v1" + path + " (is that the Kindling daemon?)");
        }
        return answer;
    }

    private CommandFailedException failure(String path, int status, JsonNode answer) {
        // the daemon's errors are {"code", "message"}; a bare "Not Found" means no such route, so probably not the
        // daemon's API port
        String message = answer == null ? "" : answer.path("message").asText("");
        if (status == 401) {
            return new CommandFailedException("not signed in to " + baseUrl
                    + (token.isPresent() ? ": the token was refused (revoked or expired?)" : "")
                    + "; run 'kindling login " + baseUrl + "' or set $" + CliProfile.TOKEN_ENV);
        }
        if (message.isBlank() || message.matches("(HTTP \\d+ )?Not Found")) {
            return new CommandFailedException(
                    "HTTP " + status + " from " + baseUrl + "/api/v1" + path + " (is that the Kindling daemon?)");
        }
        return new CommandFailedException(message);
    }

    private JsonNode parse(String text) {
        try {
            return json.readTree(text);
        } catch (JsonProcessingException notJson) {
            return null;
        }
    }

    private static String baseUrl(String text) {
        String url = text.strip().replaceAll("/+$", "");
        try {
            URI uri = URI.create(url);
            if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null) {
                return url;
            }
        } catch (IllegalArgumentException invalid) {
            // the message below says what is expected
        }
        throw new CommandFailedException(
                "--url: expected the daemon's address like " + CliProfile.DEFAULT_URL + ", got '" + text + "'");
    }

    /** The JDK's connection errors often carry their message on a cause, or none at all. */
    private static String reason(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.nio.channels.UnresolvedAddressException) {
                return "unknown host";
            }
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                return t.getMessage();
            }
        }
        // Java 17's HttpClient reports a refused connection as a ConnectException without any message
        return e instanceof java.net.ConnectException
                ? "connection refused"
                : e.getClass().getSimpleName();
    }
}
