package io.kindling.connect;

import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.connect.SparkSession;

/**
 * One attempt's Spark Connect session: a new server-side session (its temporary views and settings are its own)
 * in which a SQL task's inputs are registered, its statements run and its result written or previewed.
 *
 * <p>Loaded in a class loader of its own, so every public signature uses JDK types only: the executor on the
 * daemon's side calls it reflectively. Each call runs the operations synchronously on the calling thread;
 * {@link #interrupt} from another thread stops what runs on the server.
 */
public final class ConnectSqlSession implements AutoCloseable {
    private static final int PREVIEW_ROWS = 20;

    private final SparkSession spark;
    private final Consumer<String> log;

    /**
     * @param url       {@code sc://host:port}, with Spark Connect's optional {@code /;key=value} parameters
     * @param sparkConf set on the session (runtime settings such as {@code spark.sql.*})
     * @param tag       tags every operation of the session, as the attempt's id
     * @param log       takes lines for the attempt log
     */
    public ConnectSqlSession(String url, Map<String, String> sparkConf, String tag, Consumer<String> log) {
        this.log = log;
        this.spark = SparkSession.builder().remote(url).create();
        spark.addTag(tag);
        sparkConf.forEach((key, value) -> spark.conf().set(key, value));
    }

    /** The server's id of this session. */
    public String sessionId() {
        return spark.sessionId();
    }

    /**
     * Registers {@code format}/{@code path}/{@code options} as the temporary view {@code view}.
     *
     * @param options data source options
     */
    public void registerInput(String view, String format, String path, Map<String, String> options) {
        spark.read().format(format).options(options).load(path).createOrReplaceTempView(view);
    }

    /** Runs one statement whose result is not needed (commands run on the server; queries are not evaluated). */
    public void run(String sql) {
        spark.sql(sql);
    }

    /** Runs the last statement and writes its result. */
    public void runAndWrite(String sql, String format, String mode, String path, Map<String, String> options) {
        spark.sql(sql).write().format(format).mode(mode).options(options).save(path);
    }

    /** Runs the last statement and returns its first rows as text for the log (column names first). */
    public List<List<String>> runAndPreview(String sql) {
        Dataset<Row> result = spark.sql(sql);
        String[] columns = result.columns();
        java.util.ArrayList<List<String>> table = new java.util.ArrayList<>();
        if (columns.length == 0) {
            return table;
        }
        table.add(List.of(columns));
        for (Row row : result.limit(PREVIEW_ROWS).collectAsList()) {
            java.util.ArrayList<String> cells = new java.util.ArrayList<>();
            for (int i = 0; i < row.length(); i++) {
                cells.add(String.valueOf(row.get(i)));
            }
            table.add(cells);
        }
        return table;
    }

    /** Interrupts every operation of the session on the server; the blocked call fails. */
    public void interrupt() {
        log.accept("interrupting the session's operations on the server");
        spark.interruptAll();
    }

    @Override
    public void close() {
        spark.close();
    }
}
