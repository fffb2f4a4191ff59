package io.kindling.scheduler.cli;

import io.dropwizard.core.setup.Bootstrap;
import io.kindling.dsl.ParseResult;
import io.kindling.dsl.ParserOptions;
import io.kindling.dsl.Pipeline;
import io.kindling.dsl.PipelineParser;
import io.kindling.scheduler.alerts.AlertPlanner;
import io.kindling.scheduler.config.DatabaseConfig;
import io.kindling.scheduler.config.ExecutorConfig;
import io.kindling.scheduler.config.LibrariesConfig;
import io.kindling.scheduler.config.SecretStore;
import io.kindling.scheduler.config.SecretsConfig;
import io.kindling.scheduler.core.AttemptLogs;
import io.kindling.scheduler.core.ExecutorManager;
import io.kindling.scheduler.core.RunEngine;
import io.kindling.scheduler.core.RunListener;
import io.kindling.scheduler.db.Database;
import io.kindling.scheduler.db.JdbiRunStore;
import io.kindling.scheduler.libraries.Libraries;
import io.kindling.scheduler.model.RunRecord;
import io.kindling.scheduler.model.RunState;
import io.kindling.scheduler.model.TaskState;
import io.kindling.scheduler.model.TriggerType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import net.sourceforge.argparse4j.impl.Arguments;
import net.sourceforge.argparse4j.inf.Namespace;
import net.sourceforge.argparse4j.inf.Subparser;

/**
 * {@code kindling run FILE [--param k=v] [--secrets-file F]}: one run of one pipeline, in this process, on a
 * local Spark executor, with the same engine as the daemon and a throw-away run history. Secrets come from
 * {@code --secrets-file}, then {@code $KINDLING_SECRET_<NAME>}. Exit status 0 only if the run succeeded.
 */
public class RunCommand extends QuietCommand {

    public RunCommand() {
        super("run", "Run one pipeline once, locally, without a daemon");
    }

    @Override
    public void configure(Subparser subparser) {
        subparser.addArgument("file").metavar("PIPELINE_FILE").help("the pipeline file");
        subparser
                .addArgument("--param")
                .metavar("KEY=VALUE")
                .action(Arguments.append())
                .help("override a pipeline parameter (repeatable)");
        subparser
                .addArgument("--work-dir")
                .setDefault(".")
                .help("folder that relative input and output paths resolve against (default: .)");
        subparser.addArgument("--master").setDefault("local[*]").help("Spark master of the local executor");
        subparser
                .addArgument("--python")
                .metavar("PYTHON")
                .help("the interpreter of Python tasks, with pyspark-client installed (a venv's bin/python, as "
                        + "bin/kindling-python-env makes); default: $KINDLING_PYTHON, else python3 from the PATH");
        subparser
                .addArgument("--secrets-file")
                .metavar("FILE")
                .help("NAME=value properties file (mode 0600 or 0400) for {{ secrets.NAME }}, looked in before $"
                        + SecretsConfig.DEFAULT_ENV_PREFIX + "NAME");
    }

    private static Optional<String> python(Namespace ns) {
        return Optional.ofNullable(ns.getString("python"))
                .or(() -> Optional.ofNullable(System.getenv("KINDLING_PYTHON")))
                .filter(p -> !p.isBlank());
    }

    @Override
    public void run(Bootstrap<?> bootstrap, Namespace ns) throws Exception {
        // this command prints each task's progress itself; the engine's own lines (the daemon's log) would repeat it
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(RunEngine.class))
                .setLevel(ch.qos.logback.classic.Level.WARN);
        Path file = Path.of(ns.getString("file"));
        // Maven libraries from Maven Central, kept under the work dir (the daemon's default, without a config)
        LibrariesConfig librariesConfig = new LibrariesConfig();
        librariesConfig.setCache(
                Path.of(ns.getString("work_dir")).resolve("data/libraries").toString());
        Libraries libraries = Libraries.of(librariesConfig);
        ParseResult parsed = libraries
                .resolve(List.of(new PipelineParser(ParserOptions.lenient()).parse(file)))
                .get(0);
        if (!parsed.ok()) {
            parsed.problems().forEach(System.out::println);
            throw new CommandFailedException("the pipeline file has problems; nothing was run");
        }
        Pipeline pipeline = parsed.pipeline().orElseThrow();
        Map<String, String> params;
        try { // checked as the API checks a trigger's params: typed, and nothing undeclared
            params = pipeline.paramsFor(params(ns.getList("param")));
        } catch (IllegalArgumentException e) {
            throw new CommandFailedException(e.getMessage() + " (" + file + "); nothing was run");
        }

        SecretStore secrets;
        try {
            secrets = SecretStore.open(
                    Optional.ofNullable(ns.getString("secrets_file")).map(Path::of),
                    SecretsConfig.DEFAULT_ENV_PREFIX,
                    System::getenv);
        } catch (IllegalStateException e) {
            throw new CommandFailedException(e.getMessage());
        }

        Path scratch = Files.createTempDirectory("kindling-run-");
        DatabaseConfig dbConfig = new DatabaseConfig();
        dbConfig.setUrl("jdbc:sqlite:" + scratch.resolve("history.db"));
        Database database = Database.open(dbConfig);

        Map<String, ExecutorConfig> settings = new LinkedHashMap<>();
        for (String name :
                pipeline.tasks().stream().map(t -> t.executor()).distinct().toList()) {
            ExecutorConfig s = new ExecutorConfig();
            s.setSlots(2);
            // one run of one pipeline: Spark in this process, which is the run's own (no daemon to protect)
            Map<String, String> options = new LinkedHashMap<>();
            options.put("master", ns.getString("master"));
            options.put("mode", "in-process");
            // Python tasks talk to a Spark Connect server in this process, on a session of each attempt's own
            python(ns).ifPresent(python -> options.put("python", python));
            s.setOptions(options);
            settings.put(name, s); // every executor name runs on the local executor here
        }
        ExecutorManager executors = new ExecutorManager(settings, Path.of(ns.getString("work_dir")));
        RunEngine engine = new RunEngine(
                new JdbiRunStore(database.jdbi(), "run-command"),
                executors.executors(),
                executors.slots(),
                (id, hash) -> Optional.empty(),
                Clock.systemUTC(),
                AttemptLogs.in(scratch.resolve("logs")),
                AlertPlanner.none(),
                secrets,
                libraries);
        // one run alone: a pool limits nothing here (no config.yml sizes), so each has a place for every task
        Map<String, Integer> pools = new LinkedHashMap<>();
        pipeline.tasks()
                .forEach(t ->
                        t.pool().ifPresent(p -> pools.put(p, pipeline.tasks().size())));
        engine.pools(pools);
        CompletableFuture<RunState> done = new CompletableFuture<>();
        engine.addListener(new Progress(done));
        try {
            long start = System.nanoTime();
            RunRecord run = engine.trigger(
                            pipeline, TriggerType.MANUAL, Clock.systemUTC().instant(), params)
                    .orElseThrow();
            System.out.println(
                    "run " + run.runId() + " of " + pipeline.id() + " (logs in " + scratch.resolve("logs") + ")");
            RunState state = done.get();
            String took = String.format(java.util.Locale.ROOT, "%.1fs", (System.nanoTime() - start) / 1e9);
            if (state != RunState.SUCCEEDED) {
                throw new CommandFailedException("run " + run.runId() + " " + state + " after " + took);
            }
            System.out.println("run " + run.runId() + " SUCCEEDED in " + took);
        } finally {
            engine.close();
            executors.stop();
            database.stop();
        }
    }

    private static Map<String, String> params(List<String> pairs) {
        Map<String, String> params = new LinkedHashMap<>();
        if (pairs != null) {
            for (String pair : pairs) {
                int eq = pair.indexOf('=');
                if (eq <= 0) {
                    throw new CommandFailedException("--param expects KEY=VALUE, got '" + pair + "'");
                }
                params.put(pair.substring(0, eq), pair.substring(eq + 1));
            }
        }
        return params;
    }

    private static final class Progress implements RunListener {
        private final CompletableFuture<RunState> done;

        Progress(CompletableFuture<RunState> done) {
            this.done = done;
        }

        @Override
        public void taskChanged(String runId, String taskId, TaskState state, int attempt, Optional<String> error) {
            StringBuilder line = new StringBuilder(
                            LocalTime.now().truncatedTo(ChronoUnit.SECONDS).toString())
                    .append("  ")
                    .append(String.format("%-24s %-15s", taskId, state));
            if (state == TaskState.RUNNING || attempt > 1) {
                line.append(" attempt ").append(attempt);
            }
            error.ifPresent(e -> line.append("  ").append(e.replace('\n', ' ')));
            System.out.println(line);
        }

        @Override
        public void runChanged(String runId, String pipelineId, RunState state, Optional<String> error) {
            if (state.terminal()) {
                done.complete(state);
            }
        }
    }
}
