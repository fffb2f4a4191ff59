package io.kindling.scheduler.remote;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kindling.cluster.LocalCluster;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.Map;

/** What the standalone master's JSON status says about drivers and applications. */
final class MasterState {
    private MasterState() {}

    /** Every driver the master knows, running or ended: id to state. */
    static Map<String, String> drivers(LocalCluster cluster) {
        return states(cluster, "activedrivers", "completeddrivers");
    }

    /** Every application the master knows, running or ended: id to state ({@code RUNNING}, {@code FINISHED}...). */
    static Map<String, String> applications(LocalCluster cluster) {
        return states(cluster, "activeapps", "completedapps");
    }

    private static Map<String, String> states(LocalCluster cluster, String... lists) {
        try {
            HttpResponse<String> response = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create(cluster.settings().masterUiUrl() + "/json/"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            JsonNode json = new ObjectMapper().readTree(response.body());
            Map<String, String> states = new LinkedHashMap<>();
            for (String list : lists) {
                json.path(list)
                        .forEach(d -> states.put(
                                d.path("id").asText(), d.path("state").asText()));
            }
            return states;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
