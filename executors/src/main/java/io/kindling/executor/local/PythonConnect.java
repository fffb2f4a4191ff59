package io.kindling.executor.local;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.apache.spark.SparkEnv;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.connect.service.ExecuteJobTag$;
import org.apache.spark.sql.connect.service.SessionHolder;
import org.apache.spark.sql.connect.service.SessionKey;
import org.apache.spark.sql.connect.service.SparkConnectService;
import org.apache.spark.sql.connect.service.SparkConnectService$;
import org.apache.spark.sql.connect.service.SparkConnectSessionManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Option;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The Spark Connect server that Python tasks reach this JVM's warm Spark through: bound to 127.0.0.1 on a free port,
 * with a token made at random when it starts ({@code spark.connect.authenticate.token}), so only a process Kindling
 * gave the token to gets in. Started by the first Python task, or by the warm-up of an executor configured with
 * {@code python}: an executor that runs only SQL never pays its memory or start time. One per JVM, as Spark's Connect
 * service is; each attempt has a Connect session of its own ({@link #openSession}).
 */
final class PythonConnect {
    private static final Logger LOG = LoggerFactory.getLogger(PythonConnect.class);
    /** The Connect user of every attempt's session; the session id tells attempts apart. */
    static final String USER = "kindling";

    /** Where the server listens and the token it wants. */
    record Endpoint(int port, String token) {
        /**
         * The connection string of one session. pyspark-client sends a token without TLS only to the host name
         * {@code localhost} (gRPC's local credentials, which check the peer is loopback): to {@code 127.0.0.1} it
         * would try TLS, which the server does not speak.
         */
        String url(String sessionId) {
            return "sc://localhost:" + port + "/;token=" + token + ";session_id=" + sessionId + ";user_id=" + USER;
        }

        @Override
        public String toString() {
            return "127.0.0.1:" + port;
        }
    }

    private static Endpoint endpoint;
    /**
     * Sessions whose attempt was cancelled or ended: a job of theirs that starts from now on is cancelled at once.
     * An interrupted operation may still be planning and submit its job after the interrupt (its client gone, it
     * would hold the cores for as long as it runs); ids are small and the set lives as long as the server.
     */
    private static final Set<String> ENDED = ConcurrentHashMap.newKeySet();

    private PythonConnect() {}

    /** The server of {@code spark}'s SparkContext, started now if it is not running; {@code progress} hears a start. */
    static synchronized Endpoint start(SparkSession spark, Consumer<String> progress) {
        SparkConnectService$ service = SparkConnectService$.MODULE$;
        if (endpoint != null && service.started() && !service.stopped()) {
            return endpoint;
        }
        long begun = System.nanoTime();
        String token = token();
        // The service reads its settings from SparkEnv's conf when it starts; the SparkContext is already up.
        SparkConf conf = SparkEnv.get().conf();
        conf.set("spark.connect.grpc.binding.address", "127.0.0.1");
        conf.set("spark.connect.grpc.binding.port", "0");
        conf.set("spark.connect.authenticate.token", token);
        // Spark's local properties (the attempt's job group) pass to every thread started from this one: the server's
        // threads, and so every Connect job, would belong to the attempt that happened to start it.
        SparkContext context = spark.sparkContext();
        Properties caller = context.getLocalProperties();
        context.setLocalProperties(new Properties());
        try {
            SparkConnectService.start(context);
        } finally {
            context.setLocalProperties(caller);
        }
        context.addSparkListener(new EndedSessionJobs(context));
        endpoint = new Endpoint(service.server().getPort(), token);
        long millis = (System.nanoTime() - begun) / 1_000_000;
        LOG.info("Spark Connect server for Python tasks started on {} in {} ms", endpoint, millis);
        progress.accept("Spark Connect server for Python tasks started on " + endpoint + " in " + millis + " ms");
        return endpoint;
    }

    /** Whether this JVM's Connect server runs (for tests and the health message). */
    static synchronized boolean running() {
        SparkConnectService$ service = SparkConnectService$.MODULE$;
        return endpoint != null && service.started() && !service.stopped();
    }

    /**
     * Creates the Connect session {@code sessionId} before its client connects, so the attempt's settings are in
     * place when the script's first command arrives; the script's views and settings live and die with it. Its jobs
     * are the attempt's ({@link PythonSessions#attemptOf}) until it is closed.
     */
    static SparkSession openSession(String sessionId, String attemptId) {
        PythonSessions.open(sessionId, attemptId);
        return sessions()
                .getOrCreateIsolatedSession(SessionKey.apply(USER, sessionId), Option.empty())
                .session();
    }

    /**
     * Interrupts every operation of the session (its Spark jobs are cancelled); returns how many there were, 0 when
     * the session is gone.
     */
    static int interrupt(String sessionId) {
        ENDED.add(sessionId);
        Option<SessionHolder> holder = sessions().getIsolatedSessionIfPresent(SessionKey.apply(USER, sessionId));
        if (holder.isEmpty()) {
            return 0;
        }
        List<String> operations = CollectionConverters.asJava(holder.get().interruptAll());
        // The interrupt cancels an operation's jobs from its execution thread's error handling, which was seen to
        // leave a long job running when the session closed meanwhile: its jobs are cancelled here by their tag too.
        SparkContext context = holder.get().session().sparkContext();
        for (String operation : operations) {
            context.cancelJobsWithTag(
                    ExecuteJobTag$.MODULE$.apply(USER, sessionId, operation), "its Python task was cancelled");
        }
        return operations.size();
    }

    /** Closes the session, which interrupts what still runs in it and drops its views. */
    static void closeSession(String sessionId) {
        ENDED.add(sessionId);
        PythonSessions.close(sessionId);
        SparkConnectSessionManager sessions = sessions();
        try {
            sessions.closeSession(SessionKey.apply(USER, sessionId), sessions.closeSession$default$2());
        } catch (RuntimeException e) { // already closed (the client released it, or it expired)
            LOG.debug("Connect session {}: {}", sessionId, e.toString());
        }
    }

    /** Cancels each job that starts for a session in {@link #ENDED}, found by its Connect operation's job tag. */
    private static final class EndedSessionJobs extends SparkListener {
        private final SparkContext context;

        EndedSessionJobs(SparkContext context) {
            this.context = context;
        }

        @Override
        public void onJobStart(SparkListenerJobStart start) {
            String sessionId = PythonSessions.sessionOf(start.properties());
            if (sessionId != null && ENDED.contains(sessionId)) {
                context.cancelJob(start.jobId(), "its Python task's attempt has ended");
            }
        }
    }

    private static SparkConnectSessionManager sessions() {
        return SparkConnectService$.MODULE$.sessionManager();
    }

    private static String token() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
