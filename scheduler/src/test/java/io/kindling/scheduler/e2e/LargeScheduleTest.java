package io.kindling.scheduler.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.kindling.scheduler.support.Http;
import io.kindling.scheduler.support.KindlingApp;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A schedule 1,000 pipelines share is prepared ahead on PostgreSQL (a one-shot Quartz trigger before each fire), and
 * never on SQLite: the daemon's wiring of what {@code CronSchedulerTest} and {@code RunEngineTest} test in parts.
 */
class LargeScheduleTest {
    private KindlingApp app;

    @AfterEach
    void stop() {
        if (app != null) {
            app.stop();
        }
    }

    @Test
    void aScheduleOfAThousandPipelinesIsPreparedAheadOnPostgresqlOnly() throws Exception {
        app = KindlingApp.create(false);
        for (int i = 0; i < 1000; i++) {
            // once a year: nothing fires during the test
            Files.writeString(app.workDir.resolve("pipelines/yearly_" + i + ".yml"), """
                    pipeline: yearly_%d
                    schedule: {cron: "0 0 1 1 *"}
                    tasks:
                      - {id: only, sql: SELECT 1}
                    """.formatted(i));
        }
        app.start();
        assertThat(new Http(app).get("/pipelines").get("pipelines").size()).isEqualTo(1000);

        List<String> prepares = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(app.databaseUrl());
                ResultSet r = c.createStatement()
                        .executeQuery(
                                "SELECT trigger_name FROM qrtz_triggers WHERE trigger_group = 'schedules-prepare'")) {
            while (r.next()) {
                prepares.add(r.getString(1));
            }
        }
        if (app.databaseUrl().startsWith("jdbc:postgresql:")) {
            assertThat(prepares).containsExactly("UTC 0 0 0 1 1 ?");
        } else {
            assertThat(prepares).isEmpty();
        }
    }
}
