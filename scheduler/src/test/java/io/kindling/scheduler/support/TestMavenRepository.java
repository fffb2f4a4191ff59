package io.kindling.scheduler.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import javax.tools.ToolProvider;

/**
 * Jars a test compiles from Java source at run time (code the test JVM's class path does not have), alone or as
 * artifacts of a Maven repository folder the test serves from a {@code file:} URL.
 */
public final class TestMavenRepository {
    private final Path root;

    public TestMavenRepository(Path root) {
        this.root = root;
    }

    public String url() {
        return root.toUri().toString();
    }

    /** config.yml's {@code libraries:} section: this repository alone, and {@code cache} as the local cache. */
    public String librariesConfig(Path cache) {
        return "libraries:\n  repositories:\n    - name: test\n      url: " + url() + "\n  cache: " + cache + "\n";
    }

    /**
     * Publishes {@code group:artifact:version} compiled from {@code sources}, with a POM naming {@code dependencies}
     * (coordinates of artifacts published here before, compiled against).
     */
    public Path publish(String coordinates, Map<String, String> sources, List<String> dependencies) {
        String[] gav = coordinates.split(":");
        Path folder = root.resolve(gav[0].replace('.', '/')).resolve(gav[1]).resolve(gav[2]);
        String base = gav[1] + "-" + gav[2];
        List<Path> classPath = dependencies.stream().map(this::jarOf).toList();
        Path jar = compile(folder.resolve(base + ".jar"), sources, classPath);
        StringBuilder deps = new StringBuilder();
        for (String dependency : dependencies) {
            String[] d = dependency.split(":");
            deps.append("<dependency><groupId>%s</groupId><artifactId>%s</artifactId><version>%s</version></dependency>"
                    .formatted(d[0], d[1], d[2]));
        }
        write(folder.resolve(base + ".pom"), """
                <project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>
                <groupId>%s</groupId><artifactId>%s</artifactId><version>%s</version>
                <dependencies>%s</dependencies></project>
                """.formatted(gav[0], gav[1], gav[2], deps));
        return jar;
    }

    private Path jarOf(String coordinates) {
        String[] gav = coordinates.split(":");
        return root.resolve(gav[0].replace('.', '/'))
                .resolve(gav[1])
                .resolve(gav[2])
                .resolve(gav[1] + "-" + gav[2] + ".jar");
    }

    /** Compiles {@code sources} (class name to source) against the test's class path and {@code more} into {@code jar}. */
    public static Path compile(Path jar, Map<String, String> sources, List<Path> more) {
        try {
            Files.createDirectories(jar.getParent());
            Path work = Files.createTempDirectory("javac");
            StringBuilder classPath = new StringBuilder(System.getProperty("java.class.path"));
            more.forEach(p -> classPath.append(java.io.File.pathSeparator).append(p));
            List<String> args =
                    new ArrayList<>(List.of("-d", work.resolve("classes").toString(), "-cp", classPath.toString()));
            for (Map.Entry<String, String> source : sources.entrySet()) {
                Path file = work.resolve("src").resolve(source.getKey().replace('.', '/') + ".java");
                write(file, source.getValue());
                args.add(file.toString());
            }
            if (ToolProvider.getSystemJavaCompiler().run(null, null, null, args.toArray(String[]::new)) != 0) {
                throw new IllegalStateException("the test's sources do not compile: " + sources.keySet());
            }
            Path classes = work.resolve("classes");
            try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar));
                    Stream<Path> files = Files.walk(classes)) {
                for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                    out.putNextEntry(new JarEntry(classes.relativize(file).toString()));
                    out.write(Files.readAllBytes(file));
                    out.closeEntry();
                }
            }
            return jar;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes {@code text} to {@code file}, making its folder. */
    public static void write(Path file, String text) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
