package io.kindling.connect;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.apache.spark.connect.proto.CollectMetrics;
import org.apache.spark.connect.proto.Command;
import org.apache.spark.connect.proto.ExecutePlanRequest;
import org.apache.spark.connect.proto.ExecutePlanResponse;
import org.apache.spark.connect.proto.Expression;
import org.apache.spark.connect.proto.Limit;
import org.apache.spark.connect.proto.Plan;
import org.apache.spark.connect.proto.ReattachExecuteRequest;
import org.apache.spark.connect.proto.ReattachOptions;
import org.apache.spark.connect.proto.Relation;
import org.apache.spark.connect.proto.ReleaseExecuteRequest;
import org.apache.spark.connect.proto.SQL;
import org.apache.spark.connect.proto.SparkConnectServiceGrpc;
import org.apache.spark.connect.proto.SqlCommand;
import org.apache.spark.connect.proto.WriteOperation;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.encoders.AgnosticEncoders;
import org.apache.spark.sql.connect.SparkSession;
import org.apache.spark.sql.connect.client.SparkConnectClient;
import org.apache.spark.sql.connect.client.SparkResult;
import org.apache.spark.sql.connect.common.LiteralValueProtoConverter;
import org.apache.spark.sql.util.CloseableIterator;
import org.apache.spark.sql.util.CloseableIterator$;
import org.sparkproject.io.grpc.Status;
import org.sparkproject.io.grpc.StatusRuntimeException;
import org.sparkproject.org.apache.arrow.memory.RootAllocator;
import scala.jdk.javaapi.CollectionConverters;

/**
 * One attempt's Spark Connect session: a new server-side session (its temporary views and settings are its own)
 * in which a SQL task's inputs are registered, its statements run and its result written or previewed; or, after
 * a restart of the daemon, the same session again (by its id), to follow an operation that went on without it.
 *
 * <p>Each statement runs as one reattachable operation under an operation id the caller chose (and recorded
 * before), so that a later client can {@link #follow} it by that id: Spark's high-level API would pick a random
 * one, hence the plans are built here from Spark Connect's protocol messages.
 *
 * <p>Loaded in a class loader of its own, so every public signature uses JDK types only: the executor on the
 * daemon's side calls it reflectively. Each call runs the operations synchronously on the calling thread;
 * {@link #interrupt} from another thread stops what runs on the server. An operation the server does not know
 * fails {@link #follow} with {@link NoSuchElementException}.
 */
public final class ConnectSqlSession implements AutoCloseable {
    private static final int PREVIEW_ROWS = 20;
    /** How often in a row a broken connection is re-attached before the operation is given up. */
    private static final int FOLLOW_RETRIES = 10;
    /** Error classes of a handle the server does not know (any more). */
    private static final List<String> UNKNOWN_HANDLE = List.of(
            "OPERATION_NOT_FOUND", "SESSION_NOT_FOUND", "OPERATION_ABANDONED", "SESSION_CLOSED", "SESSION_CHANGED");

    /** The observation that counts the rows a write writes (Spark Connect reports no write metrics of its own). */
    private static final String OUTPUT_OBSERVATION = "kindling_output";

    private final SparkSession spark;
    private final SparkConnectClient client;
    private final Consumer<String> log;
    private final RootAllocator allocator = new RootAllocator();
    private final String tag;
    private volatile boolean detached;
    /** Operation id to the rows its write wrote, as observed on the server. */
    private final Map<String, Long> outputRows = new ConcurrentHashMap<>();

    /**
     * @param url       {@code sc://host:port}, with Spark Connect's optional {@code /;key=value} parameters
     *                  ({@code session_id} and {@code user_id} name an existing session)
     * @param sparkConf set on the session (runtime settings such as {@code spark.sql.*})
     * @param tag       tags every operation of the session, as the attempt's id
     * @param log       takes lines for the attempt log
     */
    public ConnectSqlSession(String url, Map<String, String> sparkConf, String tag, Consumer<String> log) {
        this.log = log;
        this.spark = SparkSession.builder().remote(url).create();
        this.client = spark.client();
        this.tag = tag;
        spark.addTag(tag);
        sparkConf.forEach((key, value) -> spark.conf().set(key, value));
    }

    /** The server's id of this session. */
    public String sessionId() {
        return spark.sessionId();
    }

    /** The user the session belongs to on the server (part of its key there). */
    public String userId() {
        return client.userId();
    }

    /**
     * Uploads the jar file at {@code path} to this session's artifacts on the server (Spark Connect's
     * {@code AddArtifacts}): its classes are seen by this session's operations alone (functions, data sources, the
     * code Spark's tasks run), and the server deletes its copy when the session is closed.
     */
    public void addJar(String path) {
        spark.addArtifact(path);
    }

    /**
     * Registers {@code format}/{@code path}/{@code options} as the temporary view {@code view}.
     *
     * @param options data source options
     */
    public void registerInput(String view, String format, String path, Map<String, String> options) {
        spark.read().format(format).options(options).load(path).createOrReplaceTempView(view);
    }

    /**
     * Runs one statement whose result is not needed, as operation {@code operationId} (commands run on the server;
     * queries are not evaluated). {@code args} are what its named parameter markers bind to (here and below):
     * Integer, Long, Double, Boolean, LocalDate, Instant, String or String[], sent as typed literals.
     */
    public void run(String sql, Map<String, Object> args, String operationId) {
        stream(
                operationId,
                Plan.newBuilder()
                        .setCommand(Command.newBuilder()
                                .setSqlCommand(SqlCommand.newBuilder().setInput(sql(sql, args))))
                        .build(),
                response -> {});
    }

    /** Runs the last statement and writes its result, as operation {@code operationId}. */
    public void runAndWrite(
            String sql,
            Map<String, Object> args,
            String operationId,
            String format,
            String mode,
            String path,
            Map<String, String> options) {
        // count(1) observed on the way to the writer: exact, and sent back with the operation's responses
        Relation counted = Relation.newBuilder()
                .setCollectMetrics(CollectMetrics.newBuilder()
                        .setInput(sql(sql, args))
                        .setName(OUTPUT_OBSERVATION)
                        .addMetrics(Expression.newBuilder()
                                .setAlias(Expression.Alias.newBuilder()
                                        .addName("rows")
                                        .setExpr(Expression.newBuilder()
                                                .setUnresolvedFunction(Expression.UnresolvedFunction.newBuilder()
                                                        .setFunctionName("count")
                                                        .addArguments(Expression.newBuilder()
                                                                .setLiteral(Expression.Literal.newBuilder()
                                                                        .setInteger(1))))))))
                .build();
        WriteOperation.Builder write = WriteOperation.newBuilder()
                .setInput(counted)
                .setSource(format)
                .setPath(path)
                .setMode(saveMode(mode))
                .putAllOptions(options);
        stream(
                operationId,
                Plan.newBuilder()
                        .setCommand(Command.newBuilder().setWriteOperation(write))
                        .build(),
                response -> {});
    }

    /**
     * Runs the last statement as operation {@code operationId} and returns its first rows as text for the log
     * (column names first).
     */
    public List<List<String>> runAndPreview(String sql, Map<String, Object> args, String operationId) {
        Plan plan = Plan.newBuilder()
                .setRoot(Relation.newBuilder()
                        .setLimit(Limit.newBuilder().setInput(sql(sql, args)).setLimit(PREVIEW_ROWS)))
                .build();
        List<ExecutePlanResponse> responses = new ArrayList<>();
        stream(operationId, plan, responses::add);
        return table(responses);
    }

    /**
     * Follows operation {@code operationId} of this session, started by an earlier client, until it ends. Returns
     * when the operation succeeded; throws with the server's error when it failed.
     *
     * @throws NoSuchElementException when the server does not know the operation or the session
     */
    public void follow(String operationId) {
        stream(operationId, null, response -> {});
    }

    /**
     * As {@link #follow}, for the previewed last statement: returns its first rows as {@link #runAndPreview} does
     * (the server sends the whole stream again, as nothing of it was released).
     */
    public List<List<String>> followAndPreview(String operationId) {
        List<ExecutePlanResponse> responses = new ArrayList<>();
        stream(operationId, null, responses::add);
        return table(responses);
    }

    private List<List<String>> table(List<ExecutePlanResponse> responses) {
        CloseableIterator<ExecutePlanResponse> replay =
                CloseableIterator$.MODULE$.apply(CollectionConverters.asScala(responses.iterator()));
        try (SparkResult<Row> result =
                new SparkResult<>(replay, allocator, AgnosticEncoders.UnboundRowEncoder$.MODULE$, spark.timeZoneId())) {
            Row[] rows = (Row[]) result.toArray();
            List<List<String>> table = new ArrayList<>();
            String[] columns =
                    result.schema() == null ? new String[0] : result.schema().fieldNames();
            if (columns.length == 0) {
                return table;
            }
            table.add(List.of(columns));
            for (Row row : rows) {
                List<String> cells = new ArrayList<>();
                for (int i = 0; i < row.length(); i++) {
                    cells.add(String.valueOf(row.get(i)));
                }
                table.add(cells);
            }
            return table;
        }
    }

    /**
     * Starts {@code plan} as the reattachable operation {@code operationId} (or, without a plan, re-attaches to it)
     * and reads its responses until the result is complete, then releases it on the server. The gRPC stub is used
     * as is, not Spark's reattaching iterator: that one releases each response as it reads it, and a later client
     * could not re-attach from the start of the stream; here nothing is released before the end, so a new daemon
     * re-attaches from the first response (the server keeps a small buffer of them). Re-attaches after the last
     * response seen when the server closes a stream early (it does so after a while) or the connection breaks.
     */
    private void stream(String operationId, Plan plan, Consumer<ExecutePlanResponse> sink) {
        SparkConnectServiceGrpc.SparkConnectServiceBlockingStub stub =
                SparkConnectServiceGrpc.newBlockingStub(client.channel());
        boolean started = plan == null;
        boolean answered = false;
        String lastResponse = null;
        int failures = 0;
        try {
            while (true) {
                try {
                    Iterator<ExecutePlanResponse> responses;
                    if (started) {
                        ReattachExecuteRequest.Builder request = ReattachExecuteRequest.newBuilder()
                                .setSessionId(client.sessionId())
                                .setUserContext(client.configuration().userContext())
                                .setClientType(client.userAgent())
                                .setOperationId(operationId);
                        if (lastResponse != null) {
                            request.setLastResponseId(lastResponse);
                        }
                        responses = stub.reattachExecute(request.build());
                    } else {
                        started = true;
                        responses = stub.executePlan(ExecutePlanRequest.newBuilder()
                                .setSessionId(client.sessionId())
                                .setUserContext(client.configuration().userContext())
                                .setClientType(client.userAgent())
                                .setOperationId(operationId)
                                .setPlan(plan)
                                .addTags(tag)
                                .addRequestOptions(ExecutePlanRequest.RequestOption.newBuilder()
                                        .setReattachOptions(
                                                ReattachOptions.newBuilder().setReattachable(true)))
                                .build());
                    }
                    while (responses.hasNext()) {
                        ExecutePlanResponse response = responses.next();
                        lastResponse = response.getResponseId();
                        failures = 0;
                        if (!answered && !response.hasResultComplete()) {
                            answered = true;
                            log.accept("operation " + operationId + " runs on the server");
                        }
                        measure(operationId, response);
                        sink.accept(response);
                        if (response.hasResultComplete()) {
                            return;
                        }
                    }
                    // the stream ended before the result was complete: re-attach after the last response
                } catch (StatusRuntimeException e) {
                    String message = String.valueOf(e.getStatus().getDescription());
                    if (detached) {
                        throw new IllegalStateException("the client let go of the server", e);
                    }
                    if (UNKNOWN_HANDLE.stream().anyMatch(message::contains)) {
                        throw new NoSuchElementException("operation " + operationId + " of Spark Connect session "
                                + client.sessionId() + " is not known to the server: " + message);
                    }
                    if (e.getStatus().getCode() != Status.Code.UNAVAILABLE || ++failures > FOLLOW_RETRIES) {
                        throw new IllegalStateException(message, e);
                    }
                    log.accept("the stream of operation " + operationId + " broke (" + message + "); re-attaching");
                    pause(failures);
                }
            }
        } finally {
            if (!detached) {
                release(stub, operationId);
            }
        }
    }

    private void measure(String operationId, ExecutePlanResponse response) {
        // a re-attach may replay a response: one figure per operation, not a sum of replays
        for (ExecutePlanResponse.ObservedMetrics observed : response.getObservedMetricsList()) {
            if (observed.getName().equals(OUTPUT_OBSERVATION) && observed.getValuesCount() == 1) {
                outputRows.put(operationId, observed.getValues(0).getLong());
            }
        }
    }

    /**
     * What the session's operations did, from what the server sent with their responses: {@code output_records},
     * the count observed on its writes; absent when none wrote. (The server's progress reports are not used: they
     * are sent before its listeners have counted every task, so their task counts and input bytes fall short.)
     */
    public Map<String, Long> metrics() {
        return outputRows.isEmpty()
                ? Map.of()
                : Map.of(
                        "output_records",
                        outputRows.values().stream().mapToLong(Long::longValue).sum());
    }

    /** Interrupts every operation of the session on the server; the blocked call fails. */
    public void interrupt() {
        log.accept("interrupting the session's operations on the server");
        spark.interruptAll();
    }

    /**
     * Lets go of the server without ending anything there: the connection is dropped, the session and its running
     * operation stay, for a later client to {@link #follow}. What blocks on this session fails.
     */
    public void detach() {
        detached = true;
        client.channel().shutdownNow();
        allocator.close();
    }

    /** Ends the session on the server, and the connection. */
    @Override
    public void close() {
        spark.close();
        allocator.close();
    }

    private void release(SparkConnectServiceGrpc.SparkConnectServiceBlockingStub stub, String operationId) {
        try {
            stub.releaseExecute(ReleaseExecuteRequest.newBuilder()
                    .setSessionId(client.sessionId())
                    .setUserContext(client.configuration().userContext())
                    .setClientType(client.userAgent())
                    .setOperationId(operationId)
                    .setReleaseAll(ReleaseExecuteRequest.ReleaseAll.newBuilder())
                    .build());
        } catch (StatusRuntimeException e) {
            // nothing to release (never known, or already gone): the server forgets it by itself
        }
    }

    /** A SQL relation whose named markers bind {@code args} as literals: values never become SQL text. */
    private static Relation sql(String sql, Map<String, Object> args) {
        SQL.Builder relation = SQL.newBuilder().setQuery(sql);
        args.forEach((name, value) -> relation.putNamedArguments(
                name,
                Expression.newBuilder()
                        .setLiteral(LiteralValueProtoConverter.toLiteralProto(value))
                        .build()));
        return Relation.newBuilder().setSql(relation).build();
    }

    private static WriteOperation.SaveMode saveMode(String mode) {
        switch (mode.toLowerCase(Locale.ROOT)) {
            case "append":
                return WriteOperation.SaveMode.SAVE_MODE_APPEND;
            case "overwrite":
                return WriteOperation.SaveMode.SAVE_MODE_OVERWRITE;
            case "ignore":
                return WriteOperation.SaveMode.SAVE_MODE_IGNORE;
            case "error":
            case "errorifexists":
            case "default":
                return WriteOperation.SaveMode.SAVE_MODE_ERROR_IF_EXISTS;
            default:
                throw new IllegalArgumentException(
                        "unknown save mode '" + mode + "' (append, overwrite, ignore, " + "error, errorifexists)");
        }
    }

    private static void pause(int failures) {
        try {
            Thread.sleep(Math.min(30_000L, 500L * (1L << Math.min(failures, 6))));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while re-attaching", e);
        }
    }
}
