package io.kindling.executor.local;

import static java.util.Objects.requireNonNull;

import io.kindling.dsl.DataRef;
import io.kindling.dsl.Pipeline;
import io.kindling.dsl.Task;
import io.kindling.dsl.TaskBody;
import io.kindling.dsl.TemplateContext;
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
 * read them. A task whose input does not exist yet (the output of an upstream task, say) is skipped.
 */
public final class SqlExplainer {
    /** The prefix of Spark's EXPLAIN answer when analysis or planning failed. */
    private static final String PLANNING_ERROR = "Error occurred during query planning";
    private static final Pattern TEMP_VIEW = Pattern.compile(
            "(?is)\\s*CREATE\\s+(OR\\s+REPLACE\\s+)?(GLOBAL\\s+)?TEMP(ORARY)?\\s+VIEW\\b.*");
    private static final Pattern POSITION = Pattern.compile("line (\\d+) pos (\\d+)");
    private static final String EXPLAIN = "EXPLAIN ";

    /** What the check found for one SQL task. */
    public enum Outcome { OK, FAILED, SKIPPED }

    /**
     * @param sqlFile the task's sql_file, when its SQL came from one
     * @param line    for a failed statement, the line in the task's SQL text (1-based) where Spark points, or
     *                where the statement starts; 0 when the failure is not in a statement (an input)
     * @param column  1-based column on that line when Spark gave one, else 1
     */
    public record Finding(String taskId, Outcome outcome, String message, Optional<Path> sqlFile, int line,
                          int column) {
        public Finding {
            requireNonNull(taskId, "taskId is null");
            requireNonNull(outcome, "outcome is null");
            requireNonNull(message, "message is null");
            requireNonNull(sqlFile, "sqlFile is null");
        }
    }

    private final SparkSession spark;
    private final Path workDir;

    /** @param workDir relative input paths resolve against it, as they do in the executor */
    public SqlExplainer(SparkSession spark, Path workDir) {
        this.spark = spark;
        this.workDir = workDir;
    }

    /** One finding per SQL task, in file order; other tasks are not Spark SQL and are left out. */
    public List<Finding> explain(Pipeline pipeline, TemplateContext context) {
        List<Finding> findings = new ArrayList<>();
        for (Task task : pipeline.tasks()) {
            if (task.body() instanceof TaskBody.Sql sql) {
                findings.add(explain(task.id(), sql.render(context)));
            }
        }
        return findings;
    }

    private Finding explain(String taskId, TaskBody.Sql body) {
        SparkSession session = spark.newSession();
        for (Map.Entry<String, DataRef> input : new TreeMap<>(body.inputs()).entrySet()) {
            DataRef ref = input.getValue();
            String path = SqlTaskRunner.resolve(workDir, ref.path());
            try {
                session.read().format(ref.format()).options(ref.options()).load(path)
                        .createOrReplaceTempView(input.getKey());
            } catch (Exception e) { // Spark throws AnalysisException undeclared
                String message = Failures.message(e);
                if (message.contains("PATH_NOT_FOUND") || message.contains("does not exist")) {
                    return new Finding(taskId, Outcome.SKIPPED, "input '" + input.getKey() + "' (" + path
                            + ") does not exist here", body.sqlFile(), 0, 1);
                }
                return new Finding(taskId, Outcome.FAILED, "input '" + input.getKey() + "' (" + ref.format() + " "
                        + path + "): " + message, body.sqlFile(), 0, 1);
            }
        }
        List<Statement> statements = SqlStatements.split(body.sql());
        for (int i = 0; i < statements.size(); i++) {
            Statement statement = statements.get(i);
            Optional<String> error = analyze(session, statement.sql());
            if (error.isPresent()) {
                int line = statement.line();
                int column = 1;
                Matcher at = POSITION.matcher(error.get());
                if (at.find()) {
                    line = statement.line() + Integer.parseInt(at.group(1)) - 1;
                    column = Integer.parseInt(at.group(2)) + 1;
                }
                String which = statements.size() == 1 ? "" : "statement " + (i + 1) + " of " + statements.size()
                        + ": ";
                return new Finding(taskId, Outcome.FAILED, which + error.get(), body.sqlFile(), line, column);
            }
        }
        return new Finding(taskId, Outcome.OK, statements.size() + " statement" + (statements.size() == 1 ? "" : "s")
                + " analyzed", body.sqlFile(), 0, 1);
    }

    /** Spark's complaint about one statement, if it has one. */
    private static Optional<String> analyze(SparkSession session, String sql) {
        boolean view = TEMP_VIEW.matcher(sql).matches();
        try {
            if (view) {
                session.sql(sql); // defines the view (analyzing its query); reads no data
                return Optional.empty();
            }
            List<Row> rows = session.sql(EXPLAIN + sql).collectAsList();
            String first = rows.isEmpty() ? "" : rows.get(0).getString(0);
            if (!first.startsWith(PLANNING_ERROR)) {
                return Optional.empty();
            }
            // The rows are the lines of the error: its first line says what is wrong; the plan follows.
            String reason = rows.size() > 1 ? rows.get(1).getString(0) : first;
            return Optional.of(withoutPrefix(reason.strip().replaceAll(";$", "")));
        } catch (Exception e) { // a parse error, or a temporary view whose query does not analyze
            String message = Failures.message(e).strip();
            return Optional.of(view ? message : withoutPrefix(message));
        }
    }

    /** Spark counts positions on the first line from the start of "EXPLAIN ..."; the user's SQL starts later. */
    private static String withoutPrefix(String message) {
        Matcher at = POSITION.matcher(message);
        if (at.find() && at.group(1).equals("1")) {
            int pos = Math.max(0, Integer.parseInt(at.group(2)) - EXPLAIN.length());
            return message.substring(0, at.start()) + "line 1 pos " + pos + message.substring(at.end());
        }
        return message;
    }
}
