package io.kindling.scheduler.resources;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** The API's error answer: the status, JSON {@code {"code", "message"}} and nothing else, never a stack trace. */
final class ApiErrors {
    private ApiErrors() {}

    /** @return the message, for further checks */
    static String assertError(Response response, int status) {
        assertThat(response.getStatus()).isEqualTo(status);
        assertThat(response.getMediaType().isCompatible(MediaType.APPLICATION_JSON_TYPE))
                .isTrue();
        JsonNode body = response.readEntity(JsonNode.class);
        assertThat(body.properties()).extracting(java.util.Map.Entry::getKey).containsExactly("code", "message");
        assertThat(body.get("code").asInt()).isEqualTo(status);
        String message = body.get("message").asText();
        assertThat(message).doesNotContain("Exception").doesNotContain("\tat ");
        return message;
    }
}
