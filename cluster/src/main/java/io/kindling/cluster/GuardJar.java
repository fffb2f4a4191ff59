package io.kindling.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The jar holding Kindling's SQL guard (the runner jar, which bundles the executors' classes), for the Connect
 * server's class path. Named by class, not linked: this module runs on the JDK alone. Its path in the local build
 * is written into this module at build time, like the Spark jars'.
 */
final class GuardJar {
    /** The Spark session extension, for {@code spark.sql.extensions}. */
    static final String EXTENSION = "io.kindling.executor.guard.SparkGuardExtension";

    private static final String RESOURCE = "guard-classpath.txt";

    private GuardJar() {}

    static String path() {
        try (InputStream in = GuardJar.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing: build kindling-cluster with Maven");
            }
            String path = new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!path.endsWith(".jar") || !Files.isRegularFile(Path.of(path))) {
                throw new IllegalStateException("the runner jar with Kindling's SQL guard (" + path + ") is missing: "
                        + "build the project first (mvn package -pl cluster -am)");
            }
            return path;
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + RESOURCE, e);
        }
    }
}
