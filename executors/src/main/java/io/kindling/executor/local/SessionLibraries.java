package io.kindling.executor.local;

import io.kindling.executor.AttemptLog;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.artifact.ArtifactManager;

/**
 * An attempt's jars (the executor's {@code jars} and the task's {@code libraries:}) as artifacts of the attempt's own
 * Spark session, Spark's per-session isolation on: its classes, on the driver and in Spark's tasks, are seen by that
 * attempt alone, and the warm Spark application goes on for the next one. Isolation costs a session its share of
 * Spark's generated-code cache, so attempts without jars keep it off ({@link LocalSparkSession}).
 */
final class SessionLibraries {
    static final String ISOLATION = "spark.sql.artifact.isolation.enabled";

    private final ArtifactManager artifacts;

    private SessionLibraries(ArtifactManager artifacts) {
        this.artifacts = artifacts;
    }

    /** Adds {@code jars} to {@code spark}, a new session of the attempt's own. */
    static SessionLibraries add(SparkSession spark, List<Path> jars, AttemptLog log) {
        org.apache.spark.sql.classic.SparkSession session = (org.apache.spark.sql.classic.SparkSession) spark;
        session.conf().set(ISOLATION, "true");
        for (Path jar : jars) {
            session.addArtifact(jar.toAbsolutePath().toString());
            log.line("library " + jar);
        }
        return new SessionLibraries(session.artifactManager());
    }

    /** The class loader of the session's jars (child-first over the application's). */
    ClassLoader classLoader() {
        return artifacts.classloader();
    }

    /** Runs {@code body} with the session's jars in effect for the Spark jobs it starts. */
    void run(ThrowingRunnable body) throws Exception {
        Exception[] failure = new Exception[1];
        artifacts.withResources(() -> {
            try {
                body.run();
            } catch (Exception e) {
                failure[0] = e;
            }
            return null;
        });
        if (failure[0] != null) {
            throw failure[0];
        }
    }

    /** Deletes the session's copies of the jars. */
    void close() {
        artifacts.close();
    }

    interface ThrowingRunnable {
        void run() throws Exception;
    }
}
