package io.kindling.scheduler.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/**
 * A deadline passed for a scheduled time that never got a run: the human-facing formats say so in their Run field
 * rather than leaving it empty.
 */
class NeverCreatedRunTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode late(String runId) throws Exception {
        return JSON.readTree("""
                {"id": "01e", "type": "run_late", "pipeline": "report", "run_id": %s,
                 "run_url": "http://localhost:8080/#/pipelines/report", "logical_time": "2026-12-04T06:00:00Z",
                 "deadline": "2026-12-04T07:00:00Z", "state": null, "occurred_at": "2026-12-04T07:00:02Z",
                 "error": "no run for 2026-12-04T06:00:00Z was created by its deadline 2026-12-04T07:00:00Z"}
                """.formatted(runId));
    }

    @Test
    void theRunFieldNamesTheScheduledTimeThatGotNoRun() throws Exception {
        JsonNode event = late("null");
        String expected = "none created for 2026-12-04T06:00:00Z";

        assertThat(AlertMessages.slack(event).toString())
                .contains("*Run*\\n<http://localhost:8080/#/pipelines/report|" + expected + ">");
        assertThat(TeamsCard.of(event).toString()).contains("{\"title\":\"Run\",\"value\":\"" + expected + "\"}");
        assertThat(EmailChannel.text(EventSummary.of(event))).contains("Run:      " + expected);
        assertThat(EventSummary.of(event).headline()).isEqualTo("Run late: pipeline report, run " + expected);
    }

    @Test
    void aRunThatExistsIsNamedByItsId() throws Exception {
        JsonNode event = late("\"01m9run\"");

        assertThat(TeamsCard.of(event).toString()).contains("{\"title\":\"Run\",\"value\":\"01m9run\"}");
        assertThat(EmailChannel.text(EventSummary.of(event))).contains("Run:      01m9run");
    }
}
