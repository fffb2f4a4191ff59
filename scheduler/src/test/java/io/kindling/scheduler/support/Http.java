package io.kindling.scheduler.support;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.ws.rs.client.Entity;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/** JSON calls to a running {@link KindlingApp}, as a user's script would make them. */
public final class Http {
    private final KindlingApp app;

    public Http(KindlingApp app) {
        this.app = app;
    }

    public JsonNode get(String path) {
        return app.extension
                .client()
                .target(app.api(path))
                .request(MediaType.APPLICATION_JSON)
                .get(JsonNode.class);
    }

    public Response post(String path, Object body) {
        return app.extension
                .client()
                .target(app.api(path))
                .request(MediaType.APPLICATION_JSON)
                .post(Entity.json(body));
    }

    /** POSTs and expects {@code status}, returning the JSON answer. */
    public JsonNode post(String path, Object body, int status) {
        Response response = post(path, body);
        String text = response.readEntity(String.class);
        if (response.getStatus() != status) {
            throw new AssertionError(
                    "POST " + path + ": expected " + status + ", got " + response.getStatus() + ": " + text);
        }
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(text);
        } catch (java.io.IOException e) {
            throw new AssertionError("POST " + path + " answered non-JSON: " + text, e);
        }
    }

    public JsonNode post(String path) {
        return post(path, Map.of(), 200);
    }

    /** The pipeline's runs (up to 500), oldest logical time first. */
    public List<JsonNode> runs(String pipeline) {
        List<JsonNode> runs = new ArrayList<>();
        get("/runs?pipeline=" + pipeline + "&limit=500").get("runs").forEach(runs::add);
        runs.sort(Comparator.comparing((JsonNode r) -> r.get("logical_time").asText())
                .thenComparing(r -> r.get("run_id").asText()));
        return runs;
    }

    public List<String> logicalTimes(String pipeline) {
        return runs(pipeline).stream().map(r -> r.get("logical_time").asText()).toList();
    }
}
