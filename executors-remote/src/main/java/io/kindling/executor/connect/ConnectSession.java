package io.kindling.executor.connect;

import io.kindling.executor.SparkMetrics;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The daemon's side of {@code io.kindling.connect.ConnectSqlSession}, which lives in the Connect client's class
 * loader: the same methods, called reflectively with JDK types, on threads whose context class loader is the
 * client's. Failures come back as {@link ConnectFailure} with the client's message.
 */
final class ConnectSession implements AutoCloseable {
    private static final String BRIDGE = "io.kindling.connect.ConnectSqlSession";

    private final ClassLoader loader;
    private final Object session;

    private ConnectSession(ClassLoader loader, Object session) {
        this.loader = loader;
        this.session = session;
    }

    static ConnectSession open(String url, Map<String, String> sparkConf, String tag, Consumer<String> log)
            throws ConnectFailure {
        ClassLoader loader = ConnectClientLoader.get();
        try {
            Constructor<?> constructor = Class.forName(BRIDGE, true, loader)
                    .getConstructor(String.class, Map.class, String.class, Consumer.class);
            return new ConnectSession(loader, within(loader, () -> constructor.newInstance(url, sparkConf, tag, log)));
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("the Spark Connect client bridge cannot be loaded: " + e, e);
        }
    }

    String sessionId() throws ConnectFailure {
        return (String) call("sessionId", new Class<?>[0]);
    }

    /**
     * Uploads {@code jars}, in order, to the session's own artifacts on the server: the session's SQL (functions) and
     * Spark's tasks load their classes from there, and no other session sees them. The server keeps artifacts per
     * session, so every new session needs them uploaded again; each one's size and the time taken go to {@code log}.
     */
    void addJars(Collection<Path> jars, Consumer<String> log) throws ConnectFailure {
        if (jars.isEmpty()) {
            return;
        }
        long started = System.nanoTime();
        long bytes = 0;
        for (Path jar : jars) {
            long size;
            try {
                size = Files.size(jar);
            } catch (IOException e) { // a jar gone since its pipeline was loaded: said before anything runs
                throw new ConnectFailure(new IOException("library " + jar + " cannot be read: " + e, e));
            }
            call("addJar", new Class<?>[] {String.class}, jar.toAbsolutePath().toString());
            bytes += size;
            log.accept("library " + jar + " (" + size + " bytes) uploaded");
        }
        log.accept((jars.size() == 1 ? "1 library (" : jars.size() + " libraries (") + bytes
                + " bytes) uploaded to the session in " + (System.nanoTime() - started) / 1_000_000 + " ms");
    }

    void registerInput(String view, String format, String path, Map<String, String> options) throws ConnectFailure {
        call(
                "registerInput",
                new Class<?>[] {String.class, String.class, String.class, Map.class},
                view,
                format,
                path,
                options);
    }

    String userId() throws ConnectFailure {
        return (String) call("userId", new Class<?>[0]);
    }

    /** @param args the statement's marker values, as {@code SqlArgs.forSpark} gives them (JDK types only) */
    void run(String sql, Map<String, Object> args, String operationId) throws ConnectFailure {
        call("run", new Class<?>[] {String.class, Map.class, String.class}, sql, args, operationId);
    }

    void runAndWrite(
            String sql,
            Map<String, Object> args,
            String operationId,
            String format,
            String mode,
            String path,
            Map<String, String> options)
            throws ConnectFailure {
        call(
                "runAndWrite",
                new Class<?>[] {
                    String.class, Map.class, String.class, String.class, String.class, String.class, Map.class
                },
                sql,
                args,
                operationId,
                format,
                mode,
                path,
                options);
    }

    @SuppressWarnings("unchecked")
    List<List<String>> runAndPreview(String sql, Map<String, Object> args, String operationId) throws ConnectFailure {
        return (List<List<String>>)
                call("runAndPreview", new Class<?>[] {String.class, Map.class, String.class}, sql, args, operationId);
    }

    /**
     * Follows an operation an earlier client started in this session until it ends.
     *
     * @throws ConnectFailure {@link ConnectFailure#notFound() not found} when the server does not know it
     */
    void follow(String operationId) throws ConnectFailure {
        call("follow", new Class<?>[] {String.class}, operationId);
    }

    /** As {@link #follow}, for a previewed last statement: its first rows, as {@link #runAndPreview}. */
    @SuppressWarnings("unchecked")
    List<List<String>> followAndPreview(String operationId) throws ConnectFailure {
        return (List<List<String>>) call("followAndPreview", new Class<?>[] {String.class}, operationId);
    }

    /** What the session's operations did so far, as far as the server's responses tell (rows written). */
    @SuppressWarnings("unchecked")
    Optional<SparkMetrics> metrics() {
        Map<String, Long> figures;
        try {
            figures = (Map<String, Long>) call("metrics", new Class<?>[0]);
        } catch (ConnectFailure e) {
            return Optional.empty(); // figures are a by-product: the attempt's own outcome stands
        }
        if (figures.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new SparkMetrics(
                null,
                null,
                null,
                null,
                null,
                null,
                figures.get("output_records"),
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null));
    }

    /** Drops the connection and leaves the session and its operations running on the server. */
    void detach() {
        try {
            call("detach", new Class<?>[0]);
        } catch (ConnectFailure e) {
            // the connection is gone either way
        }
    }

    void interrupt() throws ConnectFailure {
        call("interrupt", new Class<?>[0]);
    }

    @Override
    public void close() {
        try {
            call("close", new Class<?>[0]);
        } catch (ConnectFailure e) {
            // the session is gone with its server: nothing left to release
        }
    }

    private Object call(String name, Class<?>[] types, Object... args) throws ConnectFailure {
        Method method;
        try {
            method = session.getClass().getMethod(name, types);
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException("the Spark Connect client bridge has no " + name, e);
        }
        return within(loader, () -> method.invoke(session, args));
    }

    private interface Call {
        Object run() throws ReflectiveOperationException;
    }

    private static Object within(ClassLoader loader, Call call) throws ConnectFailure {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(loader);
        try {
            return call.run();
        } catch (InvocationTargetException e) {
            throw new ConnectFailure(e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("the Spark Connect client bridge failed: " + e, e);
        } finally {
            thread.setContextClassLoader(previous);
        }
    }
}
