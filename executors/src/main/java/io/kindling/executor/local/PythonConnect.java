package io.kindling.executor.local;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.Properties;
import java.util.function.Consumer;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.apache.spark.SparkEnv;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.connect.service.SessionHolder;
import org.apache.spark.sql.connect.service.SessionKey;
import org.apache.spark.sql.connect.service.SparkConnectService;
import org.apache.spark.sql.connect.service.SparkConnectService$;
import org.apache.spark.sql.connect.service.SparkConnectSessionManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Option;

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
     * place when the script's first command arrives; the script's views and settings live and die with it.
     */
    static SparkSession openSession(String sessionId) {
        return sessions()
                .getOrCreateIsolatedSession(SessionKey.apply(USER, sessionId), Option.empty())
                .session();
    }

    /**
     * Interrupts every operation of the session (its Spark jobs are cancelled); returns how many there were, 0 when
     * the session is gone.
     */
    static int interrupt(String sessionId) {
        Option<SessionHolder> holder = sessions().getIsolatedSessionIfPresent(SessionKey.apply(USER, sessionId));
        return holder.isDefined() ? holder.get().interruptAll().size() : 0;
    }

    /** Closes the session, which interrupts what still runs in it and drops its views. */
    static void closeSession(String sessionId) {
        SparkConnectSessionManager sessions = sessions();
        try {
            sessions.closeSession(SessionKey.apply(USER, sessionId), sessions.closeSession$default$2());
        } catch (RuntimeException e) { // already closed (the client released it, or it expired)
            LOG.debug("Connect session {}: {}", sessionId, e.toString());
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
