package io.kindling.scheduler.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.kindling.scheduler.config.DatabaseConfig;
import io.kindling.scheduler.db.Database;
import io.kindling.scheduler.db.JdbiRunQueries;
import io.kindling.scheduler.db.JdbiRunStore;
import io.kindling.scheduler.model.RunRecord;
import io.kindling.scheduler.model.RunState;
import io.kindling.scheduler.model.TriggerType;
import io.kindling.scheduler.support.KindlingCli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kindling backup FILE --config config.yml} on a real SQLite history that a "daemon" (a store on its own
 * pool) keeps writing to meanwhile: the copy opens as a history with every run committed before it began.
 */
class BackupCommandTest {
    @RegisterExtension
    final KindlingCli cli = new KindlingCli();

    @TempDir
    Path dir;

    private Path config(String url) throws Exception {
        Path config = dir.resolve("config.yml");
        Files.writeString(config, "database:\n  url: " + url + "\n");
        return config;
    }

    private static RunRecord run(int i) {
        Instant t = Instant.parse("2026-12-01T00:00:00Z").plusSeconds(i);
        return new RunRecord(
                String.format("01kbackup%015d", i),
                "p",
                "hash",
                Optional.empty(),
                TriggerType.MANUAL,
                t,
                Map.of(),
                RunState.SUCCEEDED,
                t,
                Optional.of(t),
                Optional.of(t),
                Optional.empty(),
                Optional.empty());
    }

    @Test
    void aSqliteHistoryIsCopiedWhileItIsWrittenTo() throws Exception {
        Path config = config("jdbc:sqlite:data/kindling.db"); // relative to the config's folder
        DatabaseConfig db = new DatabaseConfig();
        db.setUrl("jdbc:sqlite:" + dir.resolve("data/kindling.db"));
        Database live = Database.open(db);
        JdbiRunStore store = new JdbiRunStore(live.jdbi(), "daemon");
        for (int i = 0; i < 200; i++) {
            store.insertRun(run(i), List.of("t"));
        }
        AtomicBoolean writing = new AtomicBoolean(true);
        List<Throwable> writeFailures = new ArrayList<>();
        Thread writer = new Thread(() -> {
            for (int i = 200; writing.get() && i < 100_000; i++) {
                try {
                    store.insertRun(run(i), List.of("t"));
                } catch (RuntimeException e) {
                    writeFailures.add(e);
                    return;
                }
            }
        });
        writer.start();
        Path backup = dir.resolve("backups/kindling-2026-12-04.db");
        try {
            assertThat(cli.run("backup", backup.toString(), "--config", config.toString()))
                    .isEmpty();
        } finally {
            writing.set(false);
            writer.join();
            live.stop();
        }

        assertThat(writeFailures).as("the daemon went on writing").isEmpty();
        assertThat(cli.stdout()).startsWith("backed up " + dir.resolve("data/kindling.db") + " to " + backup);
        DatabaseConfig copy = new DatabaseConfig();
        copy.setUrl("jdbc:sqlite:" + backup);
        Database restored = Database.open(copy);
        try {
            JdbiRunQueries queries = new JdbiRunQueries(restored.jdbi());
            assertThat(queries.findRun(run(0).runId())).contains(run(0));
            assertThat(queries.findRun(run(199).runId())).contains(run(199));
            int runs = count(restored, "runs");
            assertThat(runs).isGreaterThanOrEqualTo(200);
            assertThat(count(restored, "task_runs"))
                    .as("each run whole, with its task")
                    .isEqualTo(runs);
        } finally {
            restored.stop();
        }
    }

    private static int count(Database database, String table) {
        return database.jdbi()
                .withHandle(h -> h.createQuery("SELECT count(*) FROM " + table)
                        .mapTo(Integer.class)
                        .one());
    }

    @Test
    void anExistingFileOrAServerDatabaseIsRefusedInOneLine() throws Exception {
        Path existing = Files.writeString(dir.resolve("taken.db"), "mine");
        Path config = config("jdbc:sqlite:" + dir.resolve("kindling.db"));

        assertThat(cli.run("backup", existing.toString(), "--config", config.toString()))
                .hasValueSatisfying(
                        e -> assertThat(e).hasMessage("backup: " + existing + " exists; give the name of a new file"));
        assertThat(Files.readString(existing)).isEqualTo("mine");

        Path postgres = config("jdbc:postgresql://127.0.0.1:5432/kindling?user=kindling");
        assertThat(cli.run("backup", dir.resolve("b.db").toString(), "--config", postgres.toString()))
                .hasValueSatisfying(e -> assertThat(e)
                        .hasMessage("backup: the history is on a server database "
                                + "(jdbc:postgresql://127.0.0.1:5432/kindling): back it up with its own tools, "
                                + "e.g. pg_dump (docs/configuration.md#backups)"));
    }
}
