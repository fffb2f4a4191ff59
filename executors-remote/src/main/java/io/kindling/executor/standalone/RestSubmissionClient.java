package io.kindling.executor.standalone;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The standalone master's REST submission protocol ({@code /v1/submissions/create|status|kill}), the one
 * {@code spark-submit --deploy-mode cluster} speaks to port 6066.
 */
final class RestSubmissionClient {
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * @param found    false when the master does not know the driver (never submitted, or forgotten)
     * @param state    SUBMITTED, RUNNING, FINISHED, RELAUNCHING, UNKNOWN, KILLED, FAILED or ERROR
     * @param workerId the worker that runs or ran it
     * @param message  the master's explanation, for ERROR
     */
    record DriverStatus(boolean found, String state, Optional<String> workerId, Optional<String> message) {
        boolean ended() {
            return List.of("FINISHED", "KILLED", "FAILED", "ERROR").contains(state);
        }
    }

    private final URI base;
    private final HttpClient http;
    private final Duration requestTimeout;
    private final String sparkVersion;

    RestSubmissionClient(URI base, HttpClient http, Duration requestTimeout, String sparkVersion) {
        this.base = base;
        this.http = http;
        this.requestTimeout = requestTimeout;
        this.sparkVersion = sparkVersion;
    }

    URI base() {
        return base;
    }

    /** Submits a driver in cluster mode and returns its id. */
    String create(String appResource, String mainClass, List<String> args, Map<String, String> sparkProperties)
            throws ClusterException {
        ObjectNode request = JSON.createObjectNode();
        request.put("action", "CreateSubmissionRequest");
        request.put("appResource", appResource);
        request.put("mainClass", mainClass);
        request.set("appArgs", JSON.valueToTree(args));
        request.put("clientSparkVersion", sparkVersion);
        request.set("environmentVariables", JSON.valueToTree(Map.of("SPARK_ENV_LOADED", "1")));
        request.set("sparkProperties", JSON.valueToTree(sparkProperties));
        JsonNode response = send("POST", "/v1/submissions/create", request.toString());
        String id = response.path("submissionId").asText("");
        if (!response.path("success").asBoolean(false) || id.isEmpty()) {
            throw new ClusterException("the master at " + base + " refused the submission: "
                    + response.path("message").asText("no reason given"));
        }
        return id;
    }

    DriverStatus status(String driverId) throws ClusterException {
        JsonNode response = send("GET", "/v1/submissions/status/" + driverId, null);
        if (!response.path("success").asBoolean(false) || !response.hasNonNull("driverState")) {
            return new DriverStatus(false, "NOT_FOUND", Optional.empty(), text(response, "message"));
        }
        return new DriverStatus(
                true, response.path("driverState").asText(), text(response, "workerId"), text(response, "message"));
    }

    /** Asks the master to kill the driver; false (with the master's reason logged by the caller) if it had ended. */
    KillAnswer kill(String driverId) throws ClusterException {
        JsonNode response = send("POST", "/v1/submissions/kill/" + driverId, "");
        return new KillAnswer(
                response.path("success").asBoolean(false),
                response.path("message").asText(""));
    }

    record KillAnswer(boolean accepted, String message) {}

    private JsonNode send(String method, String path, String body) throws ClusterException {
        HttpRequest.Builder request =
                HttpRequest.newBuilder(URI.create(base + path)).timeout(requestTimeout);
        if ("POST".equals(method)) {
            request.header("Content-Type", "application/json;charset=UTF-8")
                    .POST(HttpRequest.BodyPublishers.ofString(body == null ? "" : body));
        } else {
            request.GET();
        }
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new ClusterException(
                    "the master's REST server at " + base + " cannot be reached ("
                            + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()) + ")",
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClusterException("interrupted while talking to " + base, e);
        }
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new ClusterException(
                    "the master's REST server at " + base + " answered " + path + " with HTTP "
                            + response.statusCode() + " and no JSON; is this a Spark master with "
                            + "spark.master.rest.enabled=true?",
                    e);
        }
    }

    private static Optional<String> text(JsonNode node, String field) {
        return node.hasNonNull(field) ? Optional.of(node.get(field).asText()) : Optional.empty();
    }
}
