package io.kindling.bench;

import io.kindling.dsl.ParseResult;
import io.kindling.dsl.ParserOptions;
import io.kindling.dsl.Pipeline;
import io.kindling.dsl.PipelineParser;
import io.kindling.executor.AttemptRequest;
import io.kindling.scheduler.config.DatabaseConfig;
import io.kindling.scheduler.core.RunEngine;
import io.kindling.scheduler.core.RunListener;
import io.kindling.scheduler.db.Database;
import io.kindling.scheduler.db.JdbiRunStore;
import io.kindling.scheduler.db.RunStore;
import io.kindling.scheduler.support.ScriptedExecutor;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * The daemon's run engine as the daemon builds it (a run DAO fenced by an owner, the real database, Flyway
 * migrations), with the executor {@code noop}, whose attempts succeed at once (the default), and {@code hold}, whose
 * attempts run until the figure cancels their run.
 */
final class EngineHarness implements AutoCloseable {
    private static final PipelineParser PARSER =
            new PipelineParser(new ParserOptions(Optional.of(Set.of("noop", "hold")), Optional.of(Set.of()), "noop"));
    /** Slots of executor {@code hold}: as many tasks as a figure keeps running beside what it measures. */
    static final int HOLD_SLOTS = 1000;

    final Database database;
    final RunStore dao;
    final RunEngine engine;
    /** Executor {@code hold}: its attempts run until their run is cancelled. */
    final ScriptedExecutor hold = new ScriptedExecutor((task, attempt) -> ScriptedExecutor.Outcome.HANG);

    private volatile Consumer<AttemptRequest> onStart = request -> {};

    EngineHarness(String jdbcUrl, Path dir, int slots) {
        DatabaseConfig config = new DatabaseConfig();
        config.setUrl(jdbcUrl);
        database = Database.open(config);
        dao = new JdbiRunStore(database.jdbi(), "bench-" + UUID.randomUUID());
        NoopExecutor noop = new NoopExecutor("noop", request -> onStart.accept(request));
        engine = new RunEngine(
                dao,
                Map.of("noop", noop, "hold", hold),
                Map.of("noop", slots, "hold", HOLD_SLOTS),
                (id, hash) -> Optional.empty(),
                Clock.systemUTC(),
                dir.resolve("logs"));
        engine.start();
    }

    static String sqliteUrl(Path dir, String name) {
        return "jdbc:sqlite:" + dir.resolve(name + ".db");
    }

    void onStart(Consumer<AttemptRequest> hook) {
        onStart = hook;
    }

    void listen(RunListener listener) {
        engine.addListener(listener);
    }

    static Pipeline pipeline(String yaml) {
        ParseResult parsed = PARSER.parse(Path.of("bench.yml"), yaml);
        return parsed.pipeline()
                .orElseThrow(() -> new IllegalStateException("bad bench pipeline: " + parsed.problems()));
    }

    @Override
    public void close() {
        engine.close();
        database.stop();
    }
}
