package io.kindling.scheduler.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import io.kindling.scheduler.KindlingConfiguration;
import io.kindling.scheduler.core.RunEngine;
import io.kindling.scheduler.support.Http;
import io.kindling.scheduler.support.KindlingApp;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;

/** A Prometheus scrape of the admin port after real runs. */
@ExtendWith(DropwizardExtensionsSupport.class)
class MetricsTest {
    /**
     * {@code slack} is configured (and off); {@code late}, which fails_late alerts, is not. {@code tick} fires every
     * two seconds until a test pauses it.
     */
    private static final KindlingApp APP = KindlingApp.create(false, "pipelines/alerts", "pipelines/metrics")
            .withOverrides(ConfigOverride.config("webhooks.slack.format", "slack"));

    static final DropwizardAppExtension<KindlingConfiguration> EXTENSION = APP.extension;
    private final Http http = new Http(APP);

    private String scrape() throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(APP.admin("/prometheus")))
                                .header("Authorization", "Bearer " + KindlingApp.ADMIN_TOKEN)
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
        return response.body();
    }

    /** The value of one sample, given its name and labels (null: none) exactly as Prometheus writes them. */
    private static double sample(String scrape, String name, String labels) {
        String series = labels == null ? name : name + "{" + labels + "}";
        Matcher m =
                Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(scrape);
        assertThat(m.find()).as(series + " in\n" + scrape).isTrue();
        return Double.parseDouble(m.group(1));
    }

    private void runToEnd(String pipeline) {
        String runId = http.post("/pipelines/" + pipeline + "/runs", Map.of(), 201)
                .get("run_id")
                .asText();
        await().atMost(Duration.ofMinutes(1))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> List.of("SUCCEEDED", "FAILED")
                        .contains(http.get("/runs/" + runId).get("state").asText()));
    }

    /** Waits for a cron fire of tick and its run, pauses tick, and waits until nothing runs. */
    private void tickFiredThenQuiet() {
        await().atMost(Duration.ofMinutes(1))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> scrape().contains("kindling_runs_finished_total{pipeline=\"tick\",state=\"SUCCEEDED\"}"));
        http.post("/pipelines/tick/pause", Map.of(), 200);
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    String scrape = scrape();
                    return sample(scrape, "kindling_runs_active", null) == 0
                            && sample(scrape, "kindling_executor_slots_free", "executor=\"local\"") == 3;
                });
    }

    @Test
    void whatTasksDidInSparkIsAddedUpByPipelineAndTask() throws Exception {
        runToEnd("writes");
        runToEnd("writes");

        String scrape = scrape();
        assertThat(sample(scrape, "kindling_task_output_records_total", "pipeline=\"writes\",task=\"range\""))
                .isEqualTo(2000);
        assertThat(sample(scrape, "kindling_task_output_bytes_total", "pipeline=\"writes\",task=\"range\""))
                .isPositive();
        // nothing was shuffled: a measured zero is a series at 0, not a missing one
        assertThat(sample(scrape, "kindling_task_shuffle_read_bytes_total", "pipeline=\"writes\",task=\"range\""))
                .isZero();
    }

    @Test
    void runsAndTaskAttemptsAreCountedByPipelineAndState() throws Exception {
        tickFiredThenQuiet();
        runToEnd("succeeds");
        runToEnd("fails");
        await().atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> scrape().contains("kindling_runs_finished_total{pipeline=\"fails\""));
        String scrape = scrape();

        // another test of this class runs "succeeds" too
        double succeeded = sample(scrape, "kindling_runs_finished_total", "pipeline=\"succeeds\",state=\"SUCCEEDED\"");
        assertThat(succeeded).isGreaterThanOrEqualTo(1);
        assertThat(sample(scrape, "kindling_runs_started_total", "pipeline=\"succeeds\""))
                .isEqualTo(succeeded);
        assertThat(sample(scrape, "kindling_runs_started_total", "pipeline=\"fails\""))
                .isEqualTo(1);
        assertThat(sample(scrape, "kindling_runs_finished_total", "pipeline=\"fails\",state=\"FAILED\""))
                .isEqualTo(1);
        // boom failed twice: its first attempt was retried
        assertThat(sample(scrape, "kindling_task_attempts_started_total", "pipeline=\"fails\",task=\"boom\""))
                .isEqualTo(2);
        assertThat(sample(
                        scrape,
                        "kindling_task_attempts_finished_total",
                        "pipeline=\"fails\",state=\"FAILED\",task=\"boom\""))
                .isEqualTo(2);
        assertThat(sample(
                        scrape,
                        "kindling_task_duration_seconds_count",
                        "pipeline=\"succeeds\",state=\"SUCCEEDED\",task=\"ok\""))
                .isEqualTo(succeeded);
        assertThat(sample(
                        scrape,
                        "kindling_task_duration_seconds_sum",
                        "pipeline=\"succeeds\",state=\"SUCCEEDED\",task=\"ok\""))
                .isGreaterThan(0);
        assertThat(scrape).containsPattern("(?m)^kindling_runs_active 0(\\.0)?$");

        // one queue wait per attempt, by pipeline and executor
        assertThat(sample(scrape, "kindling_task_queue_wait_seconds_count", "executor=\"local\",pipeline=\"fails\""))
                .isEqualTo(2);
        assertThat(sample(scrape, "kindling_task_queue_wait_seconds_count", "executor=\"local\",pipeline=\"succeeds\""))
                .isEqualTo(succeeded);
        assertThat(sample(scrape, "kindling_task_queue_wait_seconds_count", "executor=\"local\",pipeline=\"tick\""))
                .isEqualTo(sample(scrape, "kindling_task_attempts_started_total", "pipeline=\"tick\",task=\"tock\""));
        assertThat(sample(scrape, "kindling_task_queue_wait_seconds_sum", "executor=\"local\",pipeline=\"fails\""))
                .isGreaterThanOrEqualTo(0);
        // tick's cron fires were timed: at least the one that started the run waited for above
        assertThat(sample(scrape, "kindling_scheduler_lag_seconds_count", "pipeline=\"tick\""))
                .isGreaterThanOrEqualTo(1);
        assertThat(sample(scrape, "kindling_scheduler_lag_seconds_sum", "pipeline=\"tick\""))
                .isGreaterThanOrEqualTo(0);
        assertThat(scrape).doesNotContain("kindling_scheduler_lag_seconds_count{pipeline=\"fails\"}");
        // nothing runs now: every slot of the test config's local executor (3) is free
        assertThat(sample(scrape, "kindling_executor_slots_free", "executor=\"local\""))
                .isEqualTo(3);
        // the test config's webhooks are off: nothing waits in the outbox
        assertThat(scrape).containsPattern("(?m)^kindling_outbox_backlog 0(\\.0)?$");
        assertThat(scrape).containsPattern("(?m)^kindling_alert_delivery_failures_total 0(\\.0)?$");
        // the history's sizes, measured at start and every 5 minutes
        await().atMost(Duration.ofSeconds(10))
                .until(() -> scrape().matches("(?s).*\\nkindling_history_database_bytes [1-9][0-9.E]*\\n.*"));
        assertThat(scrape()).containsPattern("(?m)^kindling_attempt_logs_bytes [0-9.E]+$");
        // the deadline and baseline checks' rounds (the first runs at start): how many, their time, their SQL
        await().atMost(Duration.ofSeconds(10))
                .until(() -> scrape().matches("(?s).*\nkindling_alert_check_seconds_count [1-9][0-9.E]*\n.*"));
        String checks = scrape();
        assertThat(checks).containsPattern("(?m)^kindling_alert_check_seconds_sum [0-9.E-]+$");
        assertThat(checks).containsPattern("(?m)^kindling_alert_check_database_seconds_count [1-9][0-9.E]*$");
        assertThat(checks).containsPattern("(?m)^kindling_alert_check_last_round_seconds [0-9][0-9.E-]*$");
        assertThat(checks).containsPattern("(?m)^kindling_alert_check_failures_total 0(\\.0)?$");
    }

    @Test
    void aPipelineAlertingAWebhookThatIsNotConfiguredIsRejectedWithItsPosition() {
        String errors = http.get("/pipelines").get("load_errors").toString();
        assertThat(errors).contains("fails_late.yml:3:", "unknown webhook 'late' in on_failure (known: ops, slack)");
    }

    @Test
    void engineLogLinesCarryPipelineRunTaskAndAttempt() {
        Logger engine = (Logger) LoggerFactory.getLogger(RunEngine.class);
        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        lines.start();
        engine.addAppender(lines);
        try {
            runToEnd("succeeds");
            await().atMost(Duration.ofSeconds(10))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> lines.list.stream()
                            .anyMatch(e -> e.getFormattedMessage().contains("ended SUCCEEDED")
                                    && e.getFormattedMessage().startsWith("Run ")));
        } finally {
            engine.detachAppender(lines);
        }
        List<ILoggingEvent> about = lines.list.stream()
                .filter(e -> "succeeds".equals(e.getMDCPropertyMap().get("pipeline")))
                .toList();
        String runId = about.get(0).getMDCPropertyMap().get("run_id");
        assertThat(about)
                .extracting(ILoggingEvent::getFormattedMessage)
                .anyMatch(m -> m.startsWith("Run " + runId + " of succeeds started"))
                .anyMatch(m -> m.startsWith("Task ok attempt 1 of run " + runId + " started"))
                .anyMatch(m -> m.startsWith("Run " + runId + " of succeeds ended SUCCEEDED"));
        for (ILoggingEvent e : about) {
            assertThat(e.getMDCPropertyMap()).containsEntry("run_id", runId);
            if (e.getFormattedMessage().startsWith("Task ")) {
                assertThat(e.getMDCPropertyMap()).containsEntry("task", "ok").containsEntry("attempt", "1");
            }
        }
    }
}
