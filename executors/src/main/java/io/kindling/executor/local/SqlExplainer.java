package io.kindling.executor.local;

import static java.util.Objects.requireNonNull;

import io.kindling.dsl.DataRef;
import io.kindling.dsl.Pipeline;
import io.kindling.dsl.SecretNames;
import io.kindling.dsl.Secrets;
import io.kindling.dsl.Task;
import io.kindling.dsl.TaskBody;
import io.kindling.dsl.TemplateContext;
import io.kindling.executor.guard.GuardOptions;
import io.kindling.executor.guard.SparkGuard;
import io.kindling.executor.local.SqlStatements.Statement;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Runs Spark's analyzer over a pipeline's SQL tasks without executing them, so that unknown tables, columns and
 * functions fail in CI rather than at 3 a.m. Each task gets its own session; its inputs are registered as
 * views (which reads their schema, not their data); each statement is checked with {@code EXPLAIN}, which
 * analyzes and plans but runs nothing, not even a command such as {@code INSERT} or {@code DROP}. Temporary view
 * definitions are the exception: they are created for real (that runs no job either) so later statements can
 * read them. A task whose input does not exist yet (the output of an upstream task, say) is skipped, and so is
 * one whose input uses {@code {{ secrets.NAME }}} (only the daemon has those). Parameter markers bind the
 * context's values, as in a run.
 */
public final class SqlExplainer {
    /** The prefix of Spark's EXPLAIN answer when analysis or planning failed. */
    private static final String PLANNING_ERROR = "Error occurred during query planning";

    private static final Pattern TEMP_VIEW =
            Pattern.compile("(?is)\\s*CREATE\\s+(OR\\s+REPLACE\\s+)?(GLOBAL\\s+)?TEMP(ORARY)?\\s+VIEW\\b.*");
    private static final Pattern POSITION = Pattern.compile("line (\\d+) pos (\\d+)");
    private static final String EXPLAIN = "EXPLAIN ";

    /** What the check found for one SQL task. */
    public enum Outcome {
        OK,
        FAILED,
        SKIPPED
    }

    /**
     * @param sqlFile the task's sql_file, when its SQL came from one
     * @param line    for a failed statement, the line in the task's SQL text (1-based) where Spark points, or
     *                where the statement starts; 0 when the failure is not in a statement (an input)
     * @param column  1-based column on that line when Spark gave one, else 1
     */
    public record Finding(
            String taskId, Outcome outcome, String message, Optional<Path> sqlFile, int line, int column) {
        public Finding {
            requireNonNull(taskId, "taskId is null");
            requireNonNull(outcome, "outcome is null");
            requireNonNull(message, "message is null");
            requireNonNull(sqlFile, "sqlFile is null");
        }
    }

    private final SparkSession spark;
    private final Path workDir;
    private final Map<String, String> guardConf;

    /**
     * @param workDir relative input paths resolve against it, as they do in the executor
     * @param guard   the SQL guard's options: each task's session is guarded as the executor's would be (Spark
     *                runs {@code EXECUTE IMMEDIATE} during analysis)
     */
    public SqlExplainer(SparkSession spark, Path workDir, GuardOptions guard) {
        this.spark = spark;
        this.workDir = workDir;
        this.guardConf = SparkGuard.sessionConf(workDir, guard);
    }

    /** One finding per SQL task, in file order; other tasks are not Spark SQL and are left out. */
    public List<Finding> explain(Pipeline pipeline, TemplateContext context) {
        List<Finding> findings = new ArrayList<>();
        for (Task task : pipeline.tasks()) {
            if (task.body() instanceof TaskBody.Sql sql) {
                Optional<String> secretInput = new TreeMap<>(sql.inputs())
                        .entrySet().stream()
                                .filter(input -> SecretNames.appearIn(input.getValue()))
                                .map(Map.Entry::getKey)
                                .findFirst();
                if (!task.readsValuesOf().isEmpty()) { // values exist only in a run, once its upstream tasks ran
                    findings.add(new Finding(
                            task.id(),
                            Outcome.SKIPPED,
                            "it reads task values of "
                                    + String.join(", ", new java.util.TreeSet<>(task.readsValuesOf()))
                                    + ", which exist only in a run",
                            sql.sqlFile(),
                            0,
                            1));
                } else if (secretInput.isPresent()) { // its real value is the daemon's: a masked one cannot be read
                    findings.add(new Finding(
                            task.id(),
                            Outcome.SKIPPED,
                            "input '" + secretInput.get() + "' uses {{ secrets... }}, which are not read here",
                            sql.sqlFile(),
                            0,
                            1));
                } else { // an output's secret is not used: masked, it still renders
                    findings.add(explain(task.id(), sql.render(context.withSecrets(Secrets.MASKED))));
                }
            }
        }
        return findings;
    }

    private Finding explain(String taskId, TaskBody.Sql body) {
        SparkSession session = spark.newSession();
        SparkGuard.setForSession(session, guardConf);
        for (Map.Entry<String, DataRef> input : new TreeMap<>(body.inputs()).entrySet()) {
            DataRef ref = input.getValue();
            String path = SqlTaskRunner.resolve(workDir, ref.path());
            try {
                session.read()
                        .format(ref.format())
                        .options(ref.options())
                        .load(path)
                        .createOrReplaceTempView(input.getKey());
            } catch (Exception e) { // Spark throws AnalysisException undeclared
                String message = Failures.message(e);
                if (message.contains("PATH_NOT_FOUND") || message.contains("does not exist")) {
                    return new Finding(
                            taskId,
                            Outcome.SKIPPED,
                            "input '" + input.getKey() + "' (" + path + ") does not exist here",
                            body.sqlFile(),
                            0,
                            1);
                }
                return new Finding(
                        taskId,
                        Outcome.FAILED,
                        "input '" + input.getKey() + "' (" + ref.format() + " " + path + "): " + message,
                        body.sqlFile(),
                        0,
                        1);
            }
        }
        List<Statement> statements = SqlStatements.split(body.sql());
        Map<String, Object> args = SqlArgs.forSpark(body.args());
        for (int i = 0; i < statements.size(); i++) {
            Statement statement = statements.get(i);
            Optional<Complaint> complaint = analyze(session, statement.sql(), args);
            if (complaint.isPresent()) {
                Complaint c = complaint.get();
                int line = c.line() > 0 ? textStartLine(statement) + c.line() - 1 : statement.line();
                String which = statements.size() == 1 ? "" : "statement " + (i + 1) + " of " + statements.size() + ": ";
                return new Finding(
                        taskId, Outcome.FAILED, which + c.message(), body.sqlFile(), line, Math.max(1, c.column()));
            }
        }
        return new Finding(
                taskId,
                Outcome.OK,
                statements.size() + " statement" + (statements.size() == 1 ? "" : "s") + " analyzed",
                body.sqlFile(),
                0,
                1);
    }

    /**
     * What Spark said is wrong with a statement, and where: line and column in the statement's text (1-based),
     * 0 when it gave no position.
     */
    private record Complaint(String message, int line, int column) {}

    /** Spark's complaint about one statement, if it has one. */
    private static Optional<Complaint> analyze(SparkSession session, String sql, Map<String, Object> args) {
        boolean view = TEMP_VIEW.matcher(sql).matches();
        int prefix = view ? 0 : EXPLAIN.length();
        try {
            if (view) {
                session.sql(sql, args); // defines the view (analyzing its query); reads no data
                return Optional.empty();
            }
            List<Row> rows = session.sql(EXPLAIN + sql, args).collectAsList();
            String first = rows.isEmpty() ? "" : rows.get(0).getString(0);
            if (!first.startsWith(PLANNING_ERROR)) {
                return Optional.empty();
            }
            // The rows are the lines of the error: its first line says what is wrong; the plan follows.
            StringBuilder all = new StringBuilder();
            rows.stream().skip(1).forEach(r -> all.append(r.getString(0)).append('\n'));
            String reason = rows.size() > 1 ? rows.get(1).getString(0) : first;
            return Optional.of(complaint(reason.strip().replaceAll(";$", ""), all.toString(), prefix));
        } catch (Exception e) { // a parse error, or a temporary view whose query does not analyze
            return Optional.of(complaint(Failures.message(e).strip(), String.valueOf(e.getMessage()), prefix));
        }
    }

    /**
     * The complaint, with Spark's position taken from its full text; on the first line Spark counts from the
     * start of "EXPLAIN ...", so the prefix comes off (in the message too).
     */
    private static Complaint complaint(String message, String fullText, int prefix) {
        Matcher at = POSITION.matcher(fullText);
        if (!at.find()) {
            return new Complaint(message, 0, 0);
        }
        int line = Integer.parseInt(at.group(1));
        int pos = Integer.parseInt(at.group(2)) - (line == 1 ? prefix : 0);
        String shown = message.replace(at.group(), "line " + line + " pos " + Math.max(0, pos));
        return new Complaint(shown, line, Math.max(0, pos) + 1);
    }

    /** The line where a statement's text starts: its first code line, less the comment lines before it. */
    private static int textStartLine(Statement statement) {
        int leading = 0;
        for (String line : statement.sql().split("\n", -1)) {
            String trimmed = line.strip();
            if (!trimmed.isEmpty() && !trimmed.startsWith("--")) {
                break;
            }
            leading++;
        }
        return statement.line() - leading;
    }
}
