package io.kindling.scheduler.libraries;

import io.kindling.dsl.Library;
import io.kindling.dsl.ParseResult;
import io.kindling.dsl.Problem;
import io.kindling.dsl.Task;
import io.kindling.scheduler.config.LibrariesConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.eclipse.aether.repository.RemoteRepository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The jars of pipelines' {@code libraries:}. Maven coordinates are resolved when a pipeline file is loaded, on the
 * source's thread (never the engine's), and a file whose coordinates cannot be resolved is a load problem like any
 * other, so the last good version of its pipeline keeps running. An attempt then only looks its jars up.
 */
public final class Libraries implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Libraries.class);

    private final Supplier<MavenResolver> newResolver;
    private final Map<Library.Maven, List<Path>> resolved = new ConcurrentHashMap<>();
    private MavenResolver resolver; // made on first use: Maven's resolver costs start time nobody needs without it

    private Libraries(Supplier<MavenResolver> newResolver) {
        this.newResolver = newResolver;
    }

    public static Libraries of(LibrariesConfig config) {
        List<RemoteRepository> repositories = config.getRepositories().stream()
                .map(r -> new RemoteRepository.Builder(r.getName(), "default", r.getUrl()).build())
                .toList();
        Path cache = Path.of(config.getCache());
        return new Libraries(() -> new MavenResolver(cache, repositories));
    }

    /** Jars only: Maven coordinates are refused at load (the one-off tools and tests that need no network). */
    public static Libraries jarsOnly() {
        return new Libraries(() -> {
            throw new IllegalStateException("Maven libraries are not available here");
        });
    }

    /** {@code results} with the Maven libraries of each pipeline resolved; one that cannot be has a problem instead. */
    public List<ParseResult> resolve(List<ParseResult> results) {
        List<ParseResult> out = new ArrayList<>(results.size());
        for (ParseResult result : results) {
            out.add(resolve(result));
        }
        return out;
    }

    private ParseResult resolve(ParseResult result) {
        if (result.pipeline().isEmpty()) {
            return result;
        }
        Set<Library.Maven> wanted = new LinkedHashSet<>();
        for (Task task : result.pipeline().get().tasks()) {
            task.libraries().stream()
                    .filter(Library.Maven.class::isInstance)
                    .map(Library.Maven.class::cast)
                    .forEach(wanted::add);
        }
        List<Problem> problems = new ArrayList<>();
        for (Library.Maven maven : wanted) {
            failure(maven).ifPresent(message -> problems.add(problemAt(result.file(), maven, message)));
        }
        return problems.isEmpty() ? result : new ParseResult(result.file(), Optional.empty(), problems);
    }

    private Optional<String> failure(Library.Maven maven) {
        if (resolved.containsKey(maven)) {
            return Optional.empty();
        }
        try {
            long started = System.nanoTime();
            List<Path> jars = resolver().resolve(maven);
            resolved.put(maven, jars);
            LOG.info(
                    "Library {} resolved to {} jars in {} ms",
                    maven.coordinates(),
                    jars.size(),
                    (System.nanoTime() - started) / 1_000_000);
            return Optional.empty();
        } catch (Exception e) {
            return Optional.of(e.getMessage());
        }
    }

    private synchronized MavenResolver resolver() {
        if (resolver == null) {
            resolver = newResolver.get();
        }
        return resolver;
    }

    /** The jar files of {@code libraries}, in order, each once; Maven ones as resolved when their file was loaded. */
    public List<Path> paths(List<Library> libraries) {
        Set<Path> paths = new LinkedHashSet<>();
        for (Library library : libraries) {
            if (library instanceof Library.Jar jar) {
                paths.add(jar.path());
            } else {
                Library.Maven maven = (Library.Maven) library;
                List<Path> jars = resolved.get(maven);
                if (jars == null) {
                    throw new IllegalArgumentException("library " + maven.coordinates() + " is not resolved");
                }
                paths.addAll(jars);
            }
        }
        return List.copyOf(paths);
    }

    /** At the line and column where the file names the coordinates (the file's start if it cannot be found). */
    private static Problem problemAt(Path file, Library.Maven maven, String message) {
        String text = "libraries: cannot resolve " + maven.coordinates() + ": " + message;
        try {
            List<String> lines = Files.readAllLines(file);
            for (int i = 0; i < lines.size(); i++) {
                int column = lines.get(i).indexOf(maven.coordinates());
                if (column >= 0) {
                    return new Problem(file, i + 1, column + 1, text);
                }
            }
        } catch (IOException | RuntimeException e) {
            // the message names the coordinates anyway
        }
        return new Problem(file, 1, 1, text);
    }

    @Override
    public synchronized void close() {
        if (resolver != null) {
            resolver.close();
        }
    }
}
