package io.kindling.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A SPARK_HOME made from the Spark jars in the local Maven repository: a {@code RELEASE} file (Spark's launcher
 * then takes {@code jars/} as the class path instead of looking for build folders) and {@code jars/} holding a
 * link to each jar of spark-sql and spark-connect. The list of jars is written into this module at build time.
 */
final class SparkHome {
    private static final String CLASSPATH_RESOURCE = "spark-classpath.txt";

    private SparkHome() {}

    /** Builds (or rebuilds, when the jar list changed) the folder and returns it. */
    static Path prepare(Path home) throws IOException {
        String classpath = classpath();
        Path marker = home.resolve("classpath.txt");
        if (Files.exists(marker) && Files.readString(marker).equals(classpath)) {
            return home.toAbsolutePath();
        }
        Path jars = home.resolve("jars");
        if (Files.exists(jars)) {
            try (Stream<Path> old = Files.walk(jars)) {
                for (Path path : old.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(path);
                }
            }
        }
        Files.createDirectories(jars);
        for (Path jar : jars(classpath)) {
            if (!Files.isRegularFile(jar)) {
                throw new IllegalStateException(jar + " is missing: build the project first (mvn package)");
            }
            Path link = jars.resolve(jar.getFileName());
            try {
                Files.createSymbolicLink(link, jar);
            } catch (UnsupportedOperationException | IOException e) {
                Files.copy(jar, link); // a file system without links
            }
        }
        Files.writeString(home.resolve("RELEASE"), "Spark (jars from the local Maven repository, for Kindling)\n");
        Files.writeString(marker, classpath);
        return home.toAbsolutePath();
    }

    private static List<Path> jars(String classpath) {
        return Arrays.stream(classpath.split(java.io.File.pathSeparator))
                .map(String::strip)
                .filter(s -> !s.isEmpty())
                .map(Path::of)
                .toList();
    }

    private static String classpath() throws IOException {
        try (InputStream in = SparkHome.class.getResourceAsStream(CLASSPATH_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(CLASSPATH_RESOURCE + " is missing: build kindling-cluster with Maven");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
        }
    }
}
