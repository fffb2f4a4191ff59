package io.kindling.executor.spark;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** The {@code --add-opens} and properties Spark needs on Java 17, as the parent POM lists them, for child JVMs. */
public final class SparkJvmFlags {
    private static final String RESOURCE = "/kindling-spark-jvm-flags.txt";

    private SparkJvmFlags() {}

    public static List<String> list() {
        try (InputStream in = SparkJvmFlags.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the class path");
            }
            String flags = new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
            return List.of(flags.split("\\s+"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
