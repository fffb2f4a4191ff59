package io.kindling.executor.local;

import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.apache.spark.SparkContext$;

/**
 * Which attempt each open Connect session of {@link PythonConnect} serves, and which session a Spark job is of (by
 * the tag each Connect operation gives its jobs, {@code SparkConnect_OperationTag_User_kindling_Session_<id>_...}),
 * so the listeners find a Python attempt's jobs as they find a SQL attempt's by its job group. No Connect classes
 * here: the listeners run in JVMs without the Connect server too.
 */
final class PythonSessions {
    private static final String SESSION = "_User_" + PythonConnect.USER + "_Session_";
    private static final Map<String, String> ATTEMPTS = new ConcurrentHashMap<>();

    private PythonSessions() {}

    static void open(String sessionId, String attemptId) {
        ATTEMPTS.put(sessionId, attemptId);
    }

    static void close(String sessionId) {
        ATTEMPTS.remove(sessionId);
    }

    /** The attempt whose open Connect session a job is of; null for any other job. */
    static String attemptOf(Properties properties) {
        String sessionId = sessionOf(properties);
        return sessionId == null ? null : ATTEMPTS.get(sessionId);
    }

    /** The Kindling Connect session whose operation started a job, or null. */
    static String sessionOf(Properties properties) {
        String tags = properties == null ? null : properties.getProperty(SparkContext$.MODULE$.SPARK_JOB_TAGS());
        if (tags == null || !tags.contains(SESSION)) {
            return null;
        }
        for (String tag : tags.split(Pattern.quote(SparkContext$.MODULE$.SPARK_JOB_TAGS_SEP()))) {
            int at = tag.indexOf(SESSION);
            if (at >= 0) {
                String rest = tag.substring(at + SESSION.length());
                int end = rest.indexOf('_');
                return end < 0 ? rest : rest.substring(0, end);
            }
        }
        return null;
    }
}
