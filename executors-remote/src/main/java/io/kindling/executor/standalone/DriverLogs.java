package io.kindling.executor.standalone;

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
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a driver's stderr from the web UI of the worker that runs it (found through the master's JSON status),
 * a piece at a time, so the attempt log grows while the driver runs.
 */
final class DriverLogs {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The worker's /log/ answer starts with "==== Bytes 0-400 of 14081 of /path/stderr ====". */
    private static final Pattern HEADER = Pattern.compile("^==== Bytes (\\d+)-(\\d+) of (\\d+) of .*? ====\\R");

    private static final int CHUNK = 256 * 1024;

    /** A piece of the log and where the next one starts. */
    record Piece(String text, long nextOffset, boolean more) {}

    private final URI masterWebUi;
    private final HttpClient http;
    private final Duration requestTimeout;

    DriverLogs(URI masterWebUi, HttpClient http, Duration requestTimeout) {
        this.masterWebUi = masterWebUi;
        this.http = http;
        this.requestTimeout = requestTimeout;
    }

    /** The web UI of a worker, by its id; empty when the master does not list it (or does not answer). */
    Optional<URI> workerWebUi(String workerId) throws ClusterException {
        JsonNode workers = get(URI.create(masterWebUi + "/json/"))
                .map(this::json)
                .orElseThrow(
                        () -> new ClusterException("the master's web UI at " + masterWebUi + " does not answer /json/"))
                .path("workers");
        for (JsonNode worker : workers) {
            if (workerId.equals(worker.path("id").asText())) {
                String address = worker.path("webuiaddress").asText("");
                return address.isEmpty() ? Optional.empty() : Optional.of(URI.create(address));
            }
        }
        return Optional.empty();
    }

    /** The driver's stderr from {@code offset} on, at most one chunk. */
    Piece read(URI workerWebUi, String driverId, long offset) throws ClusterException {
        URI uri = URI.create(workerWebUi + "/log/?driverId=" + URLEncoder.encode(driverId, StandardCharsets.UTF_8)
                + "&logType=stderr&offset=" + offset + "&byteLength=" + CHUNK);
        String body = get(uri).orElseThrow(() ->
                new ClusterException("the worker at " + workerWebUi + " does not serve the log of " + driverId));
        Matcher header = HEADER.matcher(body);
        if (!header.find()) {
            return new Piece("", offset, false);
        }
        long end = Long.parseLong(header.group(2));
        long total = Long.parseLong(header.group(3));
        return new Piece(body.substring(header.end()), end, end < total);
    }

    private Optional<String> get(URI uri) throws ClusterException {
        try {
            HttpResponse<String> response = http.send(
                    HttpRequest.newBuilder(uri).timeout(requestTimeout).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? Optional.of(response.body()) : Optional.empty();
        } catch (IOException e) {
            throw new ClusterException(
                    uri.getHost() + ":" + uri.getPort() + " cannot be reached ("
                            + e.getClass().getSimpleName() + ")",
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClusterException("interrupted while reading " + uri, e);
        }
    }

    private JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            return JSON.createObjectNode();
        }
    }
}
