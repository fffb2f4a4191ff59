package io.kindling.scheduler.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import io.kindling.scheduler.KindlingConfiguration;
import io.kindling.scheduler.support.Http;
import io.kindling.scheduler.support.KindlingApp;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A manual trigger's params are checked against their declared types before anything is stored (review C1): an
 * int param refuses SQL text, a string param refuses more than its max_length.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class ParamTypeValidationTest {
    private static final KindlingApp APP = KindlingApp.create(true, "pipelines/params");
    static final DropwizardAppExtension<KindlingConfiguration> EXTENSION = APP.extension;
    private final Http http = new Http(APP);

    private JsonNode refused(String pipeline, Object value, String param) {
        int before = http.runs(pipeline).size();
        JsonNode error = http.post("/pipelines/" + pipeline + "/runs", Map.of("params", Map.of(param, value)), 400);
        assertThat(error.get("code").asInt()).isEqualTo(400);
        assertThat(http.runs(pipeline)).hasSize(before);
        return error;
    }

    @Test
    void anIntParamRefusesTextThatIsNotExactlyAnInt() {
        assertThat(refused("people", "0 AND 1=1", "min_age").get("message").asText())
                .isEqualTo("param 'min_age' must be an int, got \"0 AND 1=1\"");
        assertThat(refused("people", "0; DROP TABLE x", "min_age")
                        .get("message")
                        .asText())
                .isEqualTo("param 'min_age' must be an int, got \"0; DROP TABLE x\"");
        assertThat(refused("people", "21 ", "min_age").get("message").asText())
                .isEqualTo("param 'min_age' must be an int, got \"21 \"");
        assertThat(refused("people", 2.5, "min_age").get("message").asText())
                .isEqualTo("param 'min_age' must be an int, got 2.5");
        assertThat(refused("people", List.of(1), "min_age").get("message").asText())
                .isEqualTo("param 'min_age' must be an int, got a list");
    }

    @Test
    void anIntParamTakesAJsonNumberOrItsText() {
        int before = http.runs("people").size();

        JsonNode number = http.post("/pipelines/people/runs", Map.of("params", Map.of("min_age", 30)), 201);
        JsonNode text = http.post("/pipelines/people/runs", Map.of("params", Map.of("min_age", "30")), 201);

        assertThat(number.get("params").get("min_age").asText()).isEqualTo("30");
        assertThat(text.get("params").get("min_age").asText()).isEqualTo("30");
        assertThat(http.runs("people")).hasSize(before + 2);
    }

    @Test
    void aStringParamRefusesMoreThanItsMaxLength() {
        assertThat(refused("tagged", "x".repeat(17), "tag").get("message").asText())
                .isEqualTo("param 'tag' is 17 characters long; at most 16 are allowed");

        JsonNode run = http.post("/pipelines/tagged/runs", Map.of("params", Map.of("tag", "x".repeat(16))), 201);
        assertThat(run.get("params").get("tag").asText()).isEqualTo("x".repeat(16));
    }

    @Test
    void undeclaredParamsStayRefused() {
        assertThat(refused("people", 3, "min_agee").get("message").asText())
                .isEqualTo("unknown param 'min_agee': pipeline 'people' declares [min_age]");
    }
}
