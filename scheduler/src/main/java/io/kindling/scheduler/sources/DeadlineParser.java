package io.kindling.scheduler.sources;

import io.kindling.dsl.ParseResult;
import io.kindling.dsl.Problem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Parses a source's files, each on a parse thread with a deadline, so that one pathological file
 * (a regex that backtracks for hours, a parser bug that loops) costs its source a few seconds and a problem on
 * that file, not the sources worker or the daemon's start. A thread past its deadline is interrupted and
 * abandoned; while it still runs, the same unchanged file is skipped at once rather than parsed again, and once
 * {@value #THREADS} parses are past their deadline every file is skipped, so stuck threads cannot pile up.
 *
 * <p>Up to as many files as there are cores are parsed at once (the caller, a start's main thread, waits meanwhile),
 * and parses that run count towards the limit on stuck ones, so that no more than {@value #THREADS} threads can be
 * stuck. Results keep the files' order.
 *
 * <p>Files are listed as {@code PipelineParser.parseAll} lists them. A pipeline id that a file shares with a
 * valid file before it is a problem of the later file, reported at 1:1 (parseAll also lets a broken file
 * claim its id, and points at the id's line).
 */
final class DeadlineParser {
    private static final Logger LOG = LoggerFactory.getLogger(DeadlineParser.class);
    static final int THREADS = 4;
    static final int PARALLEL =
            Math.max(1, Math.min(THREADS, Runtime.getRuntime().availableProcessors()));

    private final Function<Path, ParseResult> parseFile;
    private final Duration deadline;
    private final int parallel;
    private final ThreadPoolExecutor pool;
    /** Files whose parse passed its deadline and still runs, by path and version (size, modified time). */
    private final Map<String, CompletableFuture<Void>> stuck = new ConcurrentHashMap<>();

    DeadlineParser(Function<Path, ParseResult> parseFile, Duration deadline) {
        this(parseFile, deadline, PARALLEL);
    }

    /** @param parallel how many files are parsed at once, at most */
    DeadlineParser(Function<Path, ParseResult> parseFile, Duration deadline, int parallel) {
        this.parseFile = parseFile;
        this.deadline = deadline;
        this.parallel = Math.max(1, Math.min(THREADS, parallel));
        AtomicInteger n = new AtomicInteger();
        // No cap on the pool itself: a thread that has just handed over its result may not be back in the pool
        // when the next file is submitted. The cap is on parses past their deadline, counted in `stuck`.
        this.pool = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
            Thread t = new Thread(r, "kindling-parse-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    List<ParseResult> parseAll(Path fileOrFolder) {
        if (!Files.isDirectory(fileOrFolder)) {
            return List.of(start(fileOrFolder).get());
        }
        List<Path> files;
        try (Stream<Path> walk = Files.walk(fileOrFolder)) {
            files = walk.filter(p -> isPipelineFile(p) && !isHidden(fileOrFolder.relativize(p)))
                    .sorted()
                    .toList();
        } catch (IOException | RuntimeException e) {
            return List.of(failed(fileOrFolder, "cannot list the folder: " + e.getMessage()));
        }
        List<ParseResult> results = new ArrayList<>();
        Map<String, Path> owners = new HashMap<>();
        Deque<Supplier<ParseResult>> running = new ArrayDeque<>();
        for (Path file : files) {
            while (!running.isEmpty() && (running.size() >= parallel || stuck.size() + running.size() >= THREADS)) {
                add(running.poll().get(), owners, results);
            }
            running.add(start(file));
        }
        while (!running.isEmpty()) {
            add(running.poll().get(), owners, results);
        }
        return results;
    }

    /** Adds a file's result in order; a pipeline id that a file before it has is its problem. */
    private static void add(ParseResult result, Map<String, Path> owners, List<ParseResult> results) {
        if (result.ok()) {
            String id = result.pipeline().orElseThrow().id();
            Path owner = owners.putIfAbsent(id, result.file());
            if (owner != null) {
                results.add(failed(result.file(), "pipeline id '" + id + "' is already defined in " + owner));
                return;
            }
        }
        results.add(result);
    }

    void stop() {
        pool.shutdownNow();
    }

    /** Starts parsing a file; the supplier waits for its result until the deadline, counted from now. */
    private Supplier<ParseResult> start(Path file) {
        String version = version(file);
        if (stuck.containsKey(version)) {
            ParseResult skipped = tooSlow(file);
            return () -> skipped;
        }
        if (stuck.size() >= THREADS) {
            ParseResult skipped =
                    failed(file, THREADS + " files are still being parsed past their deadline; file skipped");
            return () -> skipped;
        }
        CompletableFuture<ParseResult> result = new CompletableFuture<>();
        // done when the parse thread really returns: a cancelled Future says "done" at once
        CompletableFuture<Void> ended = new CompletableFuture<>();
        Future<?> task;
        try {
            task = pool.submit(() -> {
                try {
                    result.complete(parseFile.apply(file));
                } catch (RuntimeException | Error e) {
                    result.completeExceptionally(e);
                } finally {
                    ended.complete(null);
                }
            });
        } catch (RejectedExecutionException e) {
            ParseResult skipped = failed(file, "the parser has stopped; file skipped");
            return () -> skipped;
        }
        long until = System.nanoTime() + deadline.toNanos();
        return () -> await(file, version, task, result, ended, until);
    }

    private ParseResult await(
            Path file,
            String version,
            Future<?> task,
            CompletableFuture<ParseResult> result,
            CompletableFuture<Void> ended,
            long until) {
        try {
            return result.get(Math.max(0, until - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            task.cancel(true);
            stuck.put(version, ended);
            ended.whenComplete((ignored, error) -> stuck.remove(version, ended));
            LOG.warn("{}: parsing took longer than {}; file skipped", file, text(deadline));
            return tooSlow(file);
        } catch (ExecutionException e) {
            return failed(file, "internal error in the pipeline parser, please report it: " + e.getCause());
        } catch (InterruptedException e) {
            task.cancel(true);
            Thread.currentThread().interrupt();
            return failed(file, "interrupted while parsing; file skipped");
        }
    }

    private ParseResult tooSlow(Path file) {
        return failed(file, "parsing took longer than " + text(deadline) + "; file skipped");
    }

    private static ParseResult failed(Path file, String message) {
        return new ParseResult(file, Optional.empty(), List.of(new Problem(file, 1, 1, message)));
    }

    private static String version(Path file) {
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            return file + "|" + a.size() + "|" + a.lastModifiedTime().toMillis();
        } catch (IOException e) {
            return file.toString();
        }
    }

    private static String text(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
    }

    private static boolean isHidden(Path relative) {
        for (Path name : relative) {
            if (name.toString().startsWith(".")) {
                return true;
            }
        }
        return false;
    }

    private static boolean isPipelineFile(Path path) {
        String name = path.getFileName().toString();
        return (name.endsWith(".yml") || name.endsWith(".yaml")) && Files.isRegularFile(path);
    }
}
