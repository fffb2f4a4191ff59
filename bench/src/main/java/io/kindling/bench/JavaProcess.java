package io.kindling.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The start of a command line for a child JVM on this JVM's classpath, with the JVM flags Spark needs. */
final class JavaProcess {
    private JavaProcess() {}

    /**
     * As {@link #command}, with what {@code bin/kindling server} adds for the daemon's JVM (its flags; the
     * environment's {@code MALLOC_ARENA_MAX} is {@link #serverEnvironment}).
     */
    static List<String> serverCommand(String... jvmOptions) {
        List<String> options = new ArrayList<>(
                List.of(resource("/kindling-server-jvm-flags.txt").split("\\s+")));
        options.addAll(List.of(jvmOptions));
        return command(options.toArray(String[]::new));
    }

    /** The environment {@code bin/kindling server} gives the daemon beyond its caller's. */
    static java.util.Map<String, String> serverEnvironment() {
        return java.util.Map.of("MALLOC_ARENA_MAX", System.getenv().getOrDefault("MALLOC_ARENA_MAX", "2"));
    }

    static List<String> command(String... jvmOptions) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of(jvmOptions));
        // the same list bin/kindling starts the daemon with, from the scheduler's jar
        command.addAll(List.of(resource("/kindling-jvm-flags.txt").split("\\s+")));
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        return command;
    }

    private static String resource(String name) {
        try (InputStream in = JavaProcess.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("resource " + name + " not found");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
