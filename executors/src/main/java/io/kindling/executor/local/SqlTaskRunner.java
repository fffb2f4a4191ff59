package io.kindling.executor.local;

import io.kindling.dsl.DataRef;
import io.kindling.dsl.TaskBody;
import io.kindling.executor.AttemptLog;
import io.kindling.executor.local.SqlStatements.Statement;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/**
 * Runs a rendered SQL body in an attempt's session: inputs become temporary views, the statements run in
 * order, and the last one's result is written to the output, or previewed in the log when there is none.
 * Spark's Scala code throws {@code AnalysisException}, a checked exception, without declaring it, hence the
 * {@code catch (Exception e)}.
 */
final class SqlTaskRunner {
    /** {@code s3a://...}, {@code hdfs://...}, {@code file:/...}: used as given, never resolved. */
    private static final Pattern URI = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*:.*");

    private final SparkSession spark;
    private final Path workDir;
    private final AttemptLog log;
    private final Runnable checkNotCancelled;
    private final Optional<InferredSchemas> inferredSchemas;

    /**
     * {@code checkNotCancelled} throws when the attempt was cancelled; called before each step.
     * {@code inferredSchemas}, when present, remembers inputs' inferred schemas across attempts.
     */
    SqlTaskRunner(
            SparkSession spark,
            Path workDir,
            AttemptLog log,
            Runnable checkNotCancelled,
            Optional<InferredSchemas> inferredSchemas) {
        this.spark = spark;
        this.workDir = workDir;
        this.log = log;
        this.checkNotCancelled = checkNotCancelled;
        this.inferredSchemas = inferredSchemas;
    }

    /** @return the task values the body's {@code values:} publish (empty without it) */
    Map<String, Object> run(TaskBody.Sql body) throws AttemptFailure {
        if (body.output().isPresent()) {
            DataPaths.check(spark, resolve(body.output().get().path()), "the output");
        }
        for (Map.Entry<String, DataRef> input : new TreeMap<>(body.inputs()).entrySet()) {
            checkNotCancelled.run();
            registerInput(input.getKey(), input.getValue());
        }
        List<Statement> statements = SqlStatements.split(body.sql());
        if (statements.isEmpty()) {
            throw new AttemptFailure("the task's SQL holds no statement");
        }
        String source = body.sqlFile().map(file -> " of " + file).orElse("");
        // Params reach SQL only as bound literals (named markers such as :min_age), never as text.
        Map<String, Object> args = SqlArgs.forSpark(body.args());
        if (!args.isEmpty()) {
            log.line("parameter markers: " + SqlArgs.describe(body.args()));
        }
        if (!body.taskValues().isEmpty()) {
            // Upstream values reach SQL as one struct literal, :tasks.<id>.<name>, never as text.
            args.put(SparkValues.MARKER, SparkValues.tasksStruct(body.taskValues()));
            log.line("parameter marker :tasks holds the values of "
                    + String.join(", ", body.taskValues().keySet()));
        }
        Map<String, Object> values = new LinkedHashMap<>();
        for (int i = 0; i < statements.size(); i++) {
            checkNotCancelled.run();
            Statement statement = statements.get(i);
            boolean last = i == statements.size() - 1;
            String name =
                    "statement " + (i + 1) + " of " + statements.size() + " (line " + statement.line() + source + ")";
            log.line(name + ":\n" + statement.sql());
            long started = System.nanoTime();
            try {
                Dataset<Row> result = args.isEmpty() ? spark.sql(statement.sql()) : spark.sql(statement.sql(), args);
                if (last) {
                    checkNotCancelled.run();
                    if (body.output().isPresent()) {
                        write(result, body.output().get());
                    } else {
                        preview(result);
                    }
                    if (body.values().lastRow()) {
                        List<Row> first = result.takeAsList(1);
                        if (!first.isEmpty()) {
                            values.putAll(SparkValues.row(first.get(0)));
                        }
                        log.line("values: the last statement's first row gave " + values.keySet());
                    }
                }
            } catch (Exception e) {
                throw new AttemptFailure(name + " failed: " + Failures.message(e), e);
            }
            log.line(name + " done in " + millisSince(started) + " ms");
        }
        for (Map.Entry<String, String> named : body.values().named().entrySet()) {
            checkNotCancelled.run();
            values.put(named.getKey(), value(named.getKey(), named.getValue(), args));
        }
        return values;
    }

    /** The first column of the first row of {@code sql}; null when it returns no row. */
    private Object value(String name, String sql, Map<String, Object> args) throws AttemptFailure {
        String what = "value '" + name + "'";
        log.line(what + ":\n" + sql);
        try {
            Dataset<Row> result = args.isEmpty() ? spark.sql(sql) : spark.sql(sql, args);
            if (result.columns().length == 0) {
                throw new AttemptFailure(what + ": the statement returns no column");
            }
            List<Row> rows = result.takeAsList(1);
            Object value =
                    rows.isEmpty() ? null : SparkValues.fromSpark(rows.get(0).get(0));
            log.line(what + " = " + (value == null ? "null (no row)" : io.kindling.dsl.TaskValues.text(value)));
            return value;
        } catch (AttemptFailure e) {
            throw e;
        } catch (Exception e) {
            throw new AttemptFailure(what + " failed: " + Failures.message(e), e);
        }
    }

    private void registerInput(String view, DataRef ref) throws AttemptFailure {
        String path = resolve(ref.path());
        DataPaths.check(spark, path, "input '" + view + "'");
        String input = "input " + view + ": " + ref.format() + " " + path + options(ref);
        try {
            Optional<InferredSchemas.Key> key = inferredSchemas.isPresent() && InferredSchemas.inferredFromData(ref)
                    ? InferredSchemas.key(spark, ref, path)
                    : Optional.empty();
            Optional<StructType> known = key.flatMap(k -> inferredSchemas.get().get(k));
            DataFrameReader reader = spark.read().format(ref.format()).options(ref.options());
            if (known.isPresent()) {
                log.line(input + " (schema as inferred by an earlier attempt: its files are unchanged)");
                reader.schema(known.get()).load(path).createOrReplaceTempView(view);
                return;
            }
            log.line(input);
            Dataset<Row> data = reader.load(path);
            key.ifPresent(k -> inferredSchemas.get().put(k, data.schema()));
            data.createOrReplaceTempView(view);
        } catch (Exception e) {
            throw new AttemptFailure(
                    "input '" + view + "' (" + ref.format() + " " + path + "): " + Failures.message(e), e);
        }
    }

    private void write(Dataset<Row> result, DataRef output) {
        String path = resolve(output.path());
        long started = System.nanoTime();
        result.write()
                .format(output.format())
                .mode(output.mode())
                .options(output.options())
                .save(path);
        log.line("output written: " + output.format() + " " + path + " (mode " + output.mode() + ")" + options(output)
                + " in " + millisSince(started) + " ms");
    }

    private void preview(Dataset<Row> result) {
        String[] columns = result.columns();
        if (columns.length == 0) {
            return;
        }
        List<Row> rows = result.takeAsList(PreviewTable.ROWS + 1);
        if (rows.isEmpty()) {
            log.line("the last statement returned no rows");
        } else {
            log.line("the last statement returned:\n" + PreviewTable.format(columns, rows));
        }
    }

    String resolve(String path) {
        return resolve(workDir, path);
    }

    /** Relative paths resolve against the executor's working directory; URIs and absolute paths stay. */
    static String resolve(Path workDir, String path) {
        if (URI.matcher(path).matches()) {
            return path;
        }
        Path given = Path.of(path);
        return given.isAbsolute() ? path : workDir.resolve(given).normalize().toString();
    }

    private static String options(DataRef ref) {
        return ref.options().isEmpty() ? "" : " options " + new TreeMap<>(ref.options());
    }

    private static long millisSince(long nanoTime) {
        return (System.nanoTime() - nanoTime) / 1_000_000;
    }
}
