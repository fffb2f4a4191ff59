package io.kindling.executor.local;

import io.kindling.dsl.TaskBody;
import io.kindling.executor.AttemptLog;
import io.kindling.executor.AttemptRequest;
import io.kindling.executor.python.PythonScript;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a {@code python:} task on the local executor: the {@link PythonScript} connects to this JVM's Spark through
 * {@link PythonConnect} on a Connect session made for the attempt, with the attempt's Spark settings. Cancel
 * interrupts the session's Spark operations and kills the process with its children.
 */
final class PythonTaskRunner {
    private static final Logger LOG = LoggerFactory.getLogger(PythonTaskRunner.class);
    /** The Python executors use unless their options name one. */
    static final String DEFAULT_PYTHON = PythonScript.DEFAULT_PYTHON;

    private final String sessionId = UUID.randomUUID().toString();
    private final PythonScript script;
    private final AttemptLog log;
    private final String attemptId;

    PythonTaskRunner(AttemptRequest request, Path workDir, String python, String executorName, AttemptLog log) {
        this.log = log;
        this.attemptId = request.attemptId();
        this.script = new PythonScript(request, workDir, python, executorName, log, () -> {
            try {
                int interrupted = PythonConnect.interrupt(sessionId);
                log.line("interrupted " + interrupted + " Spark Connect operation(s) of session " + sessionId);
            } catch (RuntimeException e) { // no Connect server yet, or the session is gone: nothing of it runs
                LOG.debug("attempt {}: interrupting its Connect session: {}", request.attemptId(), e.toString());
            }
        });
    }

    /**
     * @param base      the warm session whose SparkContext serves the Connect server
     * @param configure applies the attempt's Spark settings to its Connect session, as to a SQL task's session
     * @return the task values the script set with {@code kindling.set_value}
     * @throws AttemptFailure when the script fails or Python cannot run it, or a value it set is not a task value
     */
    Map<String, Object> run(SparkSession base, TaskBody body, SessionSetup configure)
            throws AttemptFailure, IOException, InterruptedException {
        PythonConnect.Endpoint endpoint = PythonConnect.start(base, log::line);
        try {
            configure.apply(PythonConnect.openSession(sessionId, attemptId));
            return script.run(body, endpoint.url(sessionId), base.version(), "Connect session " + sessionId);
        } catch (PythonScript.Failure e) {
            throw new AttemptFailure(e.getMessage());
        } finally {
            PythonConnect.closeSession(sessionId);
        }
    }

    /** Applies an attempt's settings to a session. */
    interface SessionSetup {
        void apply(SparkSession session) throws AttemptFailure;
    }

    void cancel(String reason) {
        script.cancel(reason);
    }

    /** What to install, for errors about a missing or wrong Python. */
    static String installHint() {
        return PythonScript.installHint();
    }

    static String pysparkPin() {
        return PythonScript.pysparkPin();
    }
}
