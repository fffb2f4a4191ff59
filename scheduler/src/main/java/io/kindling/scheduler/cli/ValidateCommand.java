package io.kindling.scheduler.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import io.dropwizard.core.setup.Bootstrap;
import io.kindling.dsl.CronSchedules;
import io.kindling.dsl.ParseResult;
import io.kindling.dsl.ParserOptions;
import io.kindling.dsl.Pipeline;
import io.kindling.dsl.PipelineParser;
import io.kindling.dsl.Problem;
import io.kindling.dsl.Schedule;
import io.kindling.dsl.TemplateContext;
import io.kindling.executor.guard.GuardOptions;
import io.kindling.executor.guard.SparkGuard;
import io.kindling.executor.local.SqlExplainer;
import io.kindling.scheduler.core.RunPipelineChecks;
import io.kindling.scheduler.core.UpstreamCycles;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import net.sourceforge.argparse4j.ArgumentParsers;
import net.sourceforge.argparse4j.helper.HelpScreenException;
import net.sourceforge.argparse4j.impl.Arguments;
import net.sourceforge.argparse4j.inf.ArgumentParser;
import net.sourceforge.argparse4j.inf.ArgumentParserException;
import net.sourceforge.argparse4j.inf.Namespace;
import net.sourceforge.argparse4j.inf.Subparser;
import org.apache.spark.sql.SparkSession;
import org.slf4j.LoggerFactory;

/**
 * {@code kindling validate [--config config.yml] [PATH...]}: every problem of every file, one line each, exit 1 if
 * any. Needs no daemon, database or Spark, so it suits a pipelines repository's CI. With {@code --config}, executor
 * and webhook names are checked against that config.yml, read as the daemon reads it, and without PATHs its folder
 * sources are checked: the files the daemon would refuse. {@code --next} lists each schedule's next fire times;
 * {@code --explain} starts a local Spark session and runs Spark's analyzer over the SQL tasks whose inputs exist.
 */
public class ValidateCommand extends QuietCommand {
    /**
     * What a config.yml gives the check: the names to check against, its folder sources, and a line for each source
     * that cannot be checked here.
     */
    public record ConfigNames(ParserOptions options, List<Path> folders, List<String> notChecked) {}

    /** Reads a config.yml as the daemon does; a {@link CommandFailedException} saying what is wrong with it. */
    @FunctionalInterface
    public interface ConfigReader {
        ConfigNames read(String path);
    }

    static final int NEXT_FIRE_TIMES = 5;
    private static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss xxx", Locale.ROOT);
    private static final DateTimeFormatter ZONE = DateTimeFormatter.ofPattern("zzz", Locale.ROOT);

    private final ConfigReader configReader;

    public ValidateCommand(ConfigReader configReader) {
        super("validate", "Check pipeline files or folders: one line per problem, exit status 1 if any");
        this.configReader = configReader;
    }

    @Override
    public void configure(Subparser subparser) {
        subparser
                .addArgument("paths")
                .nargs("*")
                .metavar("PATH")
                .help("pipeline files or folders (default with --config: its folder sources)");
        subparser
                .addArgument("--config")
                .metavar("FILE")
                .help("check executor and webhook names against this config.yml, as the daemon does (and the config "
                        + "itself); without PATHs, check its folder sources");
        subparser
                .addArgument("--next")
                .action(Arguments.storeTrue())
                .help("print the next " + NEXT_FIRE_TIMES + " fire times of each schedule, in its time zone and UTC");
        subparser
                .addArgument("--from")
                .metavar("INSTANT")
                .help("with --next: list fire times after this instant (e.g. 2026-03-28T00:00:00Z) instead of now");
        subparser
                .addArgument("--python")
                .metavar("PYTHON")
                .setDefault(
                        Optional.ofNullable(System.getenv("KINDLING_PYTHON")).orElse("python3"))
                .help("the Python that compiles python tasks' files with py_compile (default $KINDLING_PYTHON, else "
                        + "python3); without one they are not compiled, and validate says so");
        subparser
                .addArgument("--explain")
                .action(Arguments.storeTrue())
                .help("start a local Spark session and run Spark's analyzer (EXPLAIN, nothing is executed) on "
                        + "each SQL task whose inputs exist, so unknown tables and columns fail here");
        subparser
                .addArgument("--master")
                .setDefault("local[*]")
                .help("with --explain: Spark master (default local[*])");
        subparser
                .addArgument("--work-dir")
                .setDefault(".")
                .help("with --explain: relative input paths resolve against this folder (default: the current one)");
        subparser
                .addArgument("--allowed-roots")
                .setDefault("")
                .metavar("ROOTS")
                .help("with --explain: the SQL guard's allowedRoots (comma-separated), as the executor sets them; "
                        + "SQL may read and write only under --work-dir and these");
    }

    /**
     * {@code bin/kindling validate} without Dropwizard's start-up (its validator and metrics take most of a
     * second), so a CI check of a hundred pipelines stays well under two seconds. The same arguments and output
     * as the Dropwizard command.
     *
     * @return the exit status
     */
    public static int runStandalone(ConfigReader configReader, String... args) {
        logToStderr();
        ValidateCommand command = new ValidateCommand(configReader);
        ArgumentParser root = ArgumentParsers.newFor("kindling").build();
        command.configure(root.addSubparsers().addParser(command.getName()).help(command.getDescription()));
        try {
            command.check(root.parseArgs(args), System.out);
            return 0;
        } catch (HelpScreenException e) {
            return 0;
        } catch (ArgumentParserException e) {
            root.handleError(e);
            return 1;
        } catch (CommandFailedException e) {
            System.err.println(e.getMessage());
            return 1;
        }
    }

    /** stdout carries only problems and fire times; warnings go to stderr, Spark's chatter is kept down. */
    private static void logToStderr() {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        context.reset();
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern("%-5level %logger{0}: %msg%n");
        encoder.start();
        ConsoleAppender<ILoggingEvent> appender = new ConsoleAppender<>();
        appender.setContext(context);
        appender.setTarget("System.err");
        appender.setEncoder(encoder);
        appender.start();
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.addAppender(appender);
        root.setLevel(Level.WARN);
        context.getLogger("org.apache").setLevel(Level.ERROR);
        context.getLogger("org.sparkproject").setLevel(Level.ERROR);
    }

    @Override
    public void run(Bootstrap<?> bootstrap, Namespace namespace) {
        check(namespace, System.out);
    }

    private void check(Namespace namespace, PrintStream out) {
        Instant from = parseFrom(namespace.getString("from"));
        ParserOptions options = ParserOptions.lenient();
        List<Path> paths = new ArrayList<>();
        namespace.<String>getList("paths").forEach(p -> paths.add(Path.of(p)));
        String config = namespace.getString("config");
        if (config != null) {
            ConfigNames names = configReader.read(config);
            options = names.options();
            if (paths.isEmpty()) {
                paths.addAll(names.folders());
                names.notChecked().forEach(System.err::println);
            }
        } else if (paths.isEmpty()) {
            throw new CommandFailedException("validate: give pipeline files or folders, or --config config.yml to "
                    + "check the folders of its sources");
        }
        PipelineParser parser = new PipelineParser(options);
        List<Pipeline> good = new ArrayList<>();
        // as the daemon merges its sources: an id an earlier file has wins, a later file with it is refused
        Map<String, Path> owners = new HashMap<>();
        int problems = 0;
        List<ParseResult> read = new ArrayList<>();
        for (Path path : paths) {
            read.addAll(parser.parseAll(path));
        }
        int files = read.size();
        // pipelines that would wait for each other through trigger: {after: ...}, and run_pipeline tasks naming
        // pipelines not there, cycling or nesting too deep, are refused, as the daemon does
        for (ParseResult result : RunPipelineChecks.refuse(
                UpstreamCycles.refuse(read, Map.of()), Map.of(), options.maxRunPipelineDepth())) {
            Optional<Pipeline> pipeline = result.pipeline();
            Path owner = pipeline.map(p -> owners.putIfAbsent(p.id(), p.file())).orElse(null);
            if (owner != null) {
                out.println(new Problem(
                        result.file(),
                        1,
                        1,
                        "pipeline id '" + pipeline.get().id() + "' is already defined in " + owner));
                problems++;
                continue;
            }
            pipeline.ifPresent(good::add);
            for (Problem problem : result.problems()) {
                out.println(problem);
                problems++;
            }
        }
        problems += PythonSyntaxCheck.check(good, namespace.getString("python"), out, System.err);
        if (namespace.getBoolean("next")) {
            good.forEach(p -> printNext(p, from, out));
        }
        if (namespace.getBoolean("explain") && !good.isEmpty()) {
            GuardOptions guard = GuardOptions.from(
                    Map.of(GuardOptions.ALLOWED_ROOTS, namespace.getString("allowed_roots")), "--allowed-roots: ");
            problems +=
                    explain(good, namespace.getString("master"), Path.of(namespace.getString("work_dir")), guard, out);
        }
        if (problems > 0) {
            throw new CommandFailedException(problems + " problem" + (problems == 1 ? "" : "s") + " in " + files
                    + " file" + (files == 1 ? "" : "s"));
        }
        System.err.println(files + " file" + (files == 1 ? "" : "s") + " OK");
    }

    private static Instant parseFrom(String from) {
        if (from == null) {
            return Instant.now();
        }
        try {
            return Instant.parse(from);
        } catch (DateTimeParseException e) {
            throw new CommandFailedException("--from: '" + from + "' is not an instant like 2026-03-28T00:00:00Z");
        }
    }

    private static void printNext(Pipeline p, Instant from, PrintStream out) {
        if (p.schedule().isEmpty()) {
            out.println(p.id() + ": no schedule (runs only when triggered)");
            return;
        }
        Schedule s = p.schedule().get();
        out.println(p.id() + ": next " + NEXT_FIRE_TIMES + " fire times of '" + s.expression() + "' in "
                + s.timezone().getId() + " (Quartz: " + s.quartzCron() + ", dst_gap: "
                + s.dstGap().yaml() + ")");
        for (ZonedDateTime t : CronSchedules.nextFireTimes(s, from, NEXT_FIRE_TIMES)) {
            out.printf(Locale.ROOT, "  %s %-5s  %s%n", LOCAL.format(t), ZONE.format(t), t.toInstant());
        }
    }

    /** Runs the analyzer over every SQL task; returns how many failed. */
    private static int explain(
            List<Pipeline> pipelines, String master, Path workDir, GuardOptions guard, PrintStream out) {
        long started = System.nanoTime();
        boolean ours = SparkSession.getDefaultSession().isEmpty(); // in-process callers may have one already
        SparkSession spark = SparkSession.builder()
                .master(master)
                .appName("kindling validate --explain")
                .config(SparkGuard.EXTENSIONS_KEY, SparkGuard.withExtension(null))
                .config("spark.ui.enabled", "false")
                .config("spark.sql.shuffle.partitions", "1")
                .getOrCreate();
        int failed = 0;
        int analyzed = 0;
        int skipped = 0;
        try {
            SqlExplainer explainer =
                    new SqlExplainer(spark, workDir.toAbsolutePath().normalize(), guard);
            for (Pipeline p : pipelines) {
                Instant now = Instant.now();
                TemplateContext context = TemplateContext.of(p, "validate", now, p.zone(), p.exampleParams());
                for (SqlExplainer.Finding f : explainer.explain(p, context)) {
                    analyzed++;
                    if (f.outcome() == SqlExplainer.Outcome.FAILED) {
                        failed++;
                        out.println(failure(p, f));
                    } else if (f.outcome() == SqlExplainer.Outcome.SKIPPED) {
                        skipped++;
                        out.println(p.file() + ": task '" + f.taskId() + "' not analyzed: " + f.message());
                    }
                }
            }
        } finally {
            if (ours) {
                spark.stop();
            }
        }
        System.err.printf(
                Locale.ROOT,
                "explain: %d SQL tasks, %d failed, %d skipped (inputs missing), %.1f s%n",
                analyzed,
                failed,
                skipped,
                (System.nanoTime() - started) / 1e9);
        return failed;
    }

    /**
     * {@code file:line:column: task 'id': message}, at the failed statement in its sql_file, or else at the task in
     * the pipeline file with the position inside the SQL text (the SQL sits inside the YAML).
     */
    private static String failure(Pipeline p, SqlExplainer.Finding f) {
        String task = "task '" + f.taskId() + "': ";
        if (f.sqlFile().isPresent()) {
            return f.sqlFile().get() + ":" + Math.max(1, f.line()) + ":" + f.column() + ": " + task + f.message();
        }
        String inSql = f.line() > 0 ? "SQL line " + f.line() + ", column " + f.column() + ": " : "";
        return p.file() + ":" + TaskLines.of(p.source(), f.taskId()) + ":1: " + task + inSql + f.message();
    }
}
