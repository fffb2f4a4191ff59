package io.kindling.executor.python;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kindling.dsl.TaskBody;
import io.kindling.executor.AttemptLog;
import io.kindling.executor.AttemptRequest;
import io.kindling.executor.TaskValuesJson;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * One {@code python:} or {@code notebook:} task's process, whatever Spark it talks to: the executor's Python
 * ({@code options.python}, else {@code python3}) runs Kindling's small bootstrap in {@code workDir}, which connects to a
 * Spark Connect server at the URL it is given (the local executor's own, or a remote one) and runs the script, module
 * or notebook with {@code spark} and {@code kindling} ready. A notebook's executed copy is written to
 * {@link AttemptRequest#notebookFile}, the attempt's secrets masked. The process's output is the attempt's log; a non-zero exit fails the attempt with the
 * exception's line. Cancel interrupts the session's Spark operations (through the executor's {@code interrupt}) and
 * kills the process with its children.
 */
public final class PythonScript {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String RESOURCES = "/io/kindling/executor/python/";
    /** The Python executors use unless their options name one. */
    public static final String DEFAULT_PYTHON = "python3";

    private static Path helpers;

    private final AttemptRequest request;
    private final Path workDir;
    private final String python;
    private final String executorName;
    private final AttemptLog log;
    private final Runnable interrupt;
    // Guarded by this.
    private Process process;
    private String cancelReason;

    /** A script that failed, or a Python that cannot run it: the attempt's error. */
    public static final class Failure extends Exception {
        public Failure(String message) {
            super(message);
        }
    }

    /** @param interrupt stops the Spark operations of the script's Connect session, on cancel */
    public PythonScript(
            AttemptRequest request,
            Path workDir,
            String python,
            String executorName,
            AttemptLog log,
            Runnable interrupt) {
        this.request = request;
        this.workDir = workDir;
        this.python = python;
        this.executorName = executorName;
        this.log = log;
        this.interrupt = interrupt;
    }

    /**
     * Runs the script to its end, unless cancelled (then it returns nothing: the attempt reports the cancel).
     *
     * @param connectUrl   {@code sc://...} with the session the script is to use
     * @param sparkVersion the server's Spark version, which the script's PySpark must match; empty: not checked
     * @return the task values the script set with {@code kindling.set_value}
     * @throws Failure when the script fails or Python cannot run it, or a value it set is not a task value
     */
    public Map<String, Object> run(TaskBody body, String connectUrl, String sparkVersion, String describe)
            throws Failure, IOException, InterruptedException {
        if (body instanceof TaskBody.Notebook notebook) {
            Path copy = AttemptRequest.notebookFile(request.logFile());
            try {
                return run(notebook(notebook, copy), notebook.run(), connectUrl, sparkVersion, describe);
            } finally {
                // a kill (cancel, timeout) between the runner's write and its rename leaves the next version
                Files.deleteIfExists(AttemptRequest.notebookTempFile(request.logFile()));
                maskSecrets(copy);
            }
        }
        TaskBody.Python python = (TaskBody.Python) body;
        ObjectNode task = JSON.createObjectNode();
        python.file().ifPresent(file -> task.put("file", file.toString()));
        python.module().ifPresent(module -> task.put("module", module));
        python.args().forEach(arg -> task.withArray("args").add(arg));
        task.withArray("args");
        String shown = "python " + python.describe() + (python.args().isEmpty() ? "" : " " + python.args());
        return run(new Task(task, shown), python.run(), connectUrl, sparkVersion, describe);
    }

    /** What the bootstrap runs ({@code KINDLING_TASK}), and how the log names it. */
    private record Task(ObjectNode json, String shown) {}

    private static Task notebook(TaskBody.Notebook notebook, Path copy) {
        ObjectNode task = JSON.createObjectNode();
        task.put("notebook", notebook.path().toString());
        task.set("params", JSON.valueToTree(notebook.params()));
        task.put("output", copy.toAbsolutePath().toString());
        return new Task(
                task, "notebook " + notebook.path() + (notebook.params().isEmpty() ? "" : " " + notebook.params()));
    }

    /** The executed copy is served to viewers: what the attempt's log would mask, it masks too. */
    private void maskSecrets(Path copy) throws IOException {
        if (request.redactor().isEmpty() || !Files.isRegularFile(copy)) {
            return;
        }
        String text = Files.readString(copy, StandardCharsets.UTF_8);
        String masked = request.redactor().mask(text);
        if (!masked.equals(text)) {
            Files.writeString(copy, masked, StandardCharsets.UTF_8);
        }
    }

    private Map<String, Object> run(
            Task task, Map<String, String> run, String connectUrl, String sparkVersion, String describe)
            throws Failure, IOException, InterruptedException {
        Path scratch = Files.createTempDirectory("kindling-python-");
        try {
            Path errorFile = scratch.resolve("error.txt");
            ProcessBuilder builder = new ProcessBuilder(
                            python, helpers().resolve("kindling_task.py").toString())
                    .directory(workDir.toFile())
                    .redirectErrorStream(true);
            builder.environment().putAll(environment(task.json(), run, connectUrl, sparkVersion, errorFile, scratch));
            log.line(task.shown() + " with " + python + " in " + workDir + ", " + describe);
            Process started;
            synchronized (this) {
                if (cancelReason != null) {
                    return Map.of();
                }
                try {
                    started = builder.start();
                } catch (IOException e) {
                    throw new Failure("executor '" + executorName + "' cannot start Python '" + python + "' ("
                            + e.getMessage() + "): " + installHint());
                }
                process = started;
            }
            // stdin stays open while the attempt runs: the bootstrap ends the process when it closes, so a daemon
            // that dies (its end of the pipe closed by the system) leaves no script running on
            List<String> tail;
            int status;
            OutputStream stdin = started.getOutputStream();
            try {
                tail = pump(started.getInputStream());
                status = started.waitFor();
            } finally {
                stdin.close();
            }
            synchronized (this) {
                if (cancelReason != null) {
                    return Map.of();
                }
            }
            if (status != 0) {
                throw new Failure(error(status, errorFile, tail));
            }
            return taskValues(scratch.resolve("values.jsonl"));
        } finally {
            deleteQuietly(scratch);
        }
    }

    /**
     * Interrupts the session's Spark operations and kills the Python process and its children; the attempt's
     * thread then sees the process end.
     */
    public void cancel(String reason) {
        Process current;
        synchronized (this) {
            if (cancelReason != null) {
                return;
            }
            cancelReason = reason;
            current = process;
        }
        interrupt.run();
        if (current != null) {
            current.descendants().forEach(ProcessHandle::destroyForcibly);
            current.destroyForcibly();
            log.line("killed Python process " + current.pid() + " and its children");
        }
    }

    /**
     * The interpreter an executor's {@code python} option names: a command looked up on the PATH as given, a path
     * resolved against {@code workDir}; unset or blank, {@link #DEFAULT_PYTHON}.
     */
    public static String interpreter(String option, Path workDir) {
        String python = option == null ? "" : option.strip();
        if (python.isEmpty() || !python.contains("/")) {
            return python.isEmpty() ? DEFAULT_PYTHON : python;
        }
        return workDir.toAbsolutePath().resolve(python).normalize().toString();
    }

    /** What to install, for errors about a missing or wrong Python. */
    public static String installHint() {
        return "Python tasks need Python 3.10+ with " + pysparkPin() + " and its pinned companions "
                + "(python/requirements.txt): create them with `bin/kindling-python-env DIR` and give the executor "
                + "`options: {python: DIR/bin/python}` in config.yml";
    }

    /** The pyspark-client line of the pins the executors were built with. */
    public static String pysparkPin() {
        try (InputStream in = PythonScript.class.getResourceAsStream(RESOURCES + "requirements.txt")) {
            if (in == null) {
                return "pyspark-client";
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8)
                    .lines()
                    .filter(line -> line.startsWith("pyspark-client=="))
                    .findFirst()
                    .orElse("pyspark-client");
        } catch (IOException e) {
            return "pyspark-client";
        }
    }

    private Map<String, String> environment(
            ObjectNode task,
            Map<String, String> run,
            String connectUrl,
            String sparkVersion,
            Path errorFile,
            Path scratch)
            throws IOException {
        String pythonPath = helpers().toString();
        String inherited = System.getenv("PYTHONPATH");
        if (inherited != null && !inherited.isBlank()) {
            pythonPath = pythonPath + java.io.File.pathSeparator + inherited;
        }
        return Map.ofEntries(
                Map.entry("KINDLING_TASK", JSON.writeValueAsString(task)),
                Map.entry("KINDLING_CONNECT_URL", connectUrl),
                Map.entry("KINDLING_SPARK_VERSION", sparkVersion),
                Map.entry("KINDLING_INSTALL_HINT", installHint()),
                Map.entry("KINDLING_ERROR_FILE", errorFile.toString()),
                Map.entry(
                        "KINDLING_TASK_VALUES_FILE",
                        scratch.resolve("values.jsonl").toString()),
                Map.entry("KINDLING_PARAMS", JSON.writeValueAsString(request.params())),
                Map.entry("KINDLING_RUN", JSON.writeValueAsString(run)),
                Map.entry("KINDLING_TASK_ID", request.taskId()),
                Map.entry("KINDLING_ATTEMPT_ID", request.attemptId()),
                Map.entry("KINDLING_ATTEMPT_NUMBER", Integer.toString(request.attemptNumber())),
                Map.entry("PYTHONPATH", pythonPath),
                Map.entry("PYTHONUNBUFFERED", "1"));
    }

    /** Copies the process's output into the log, line by line, until it ends; returns its last lines. */
    private List<String> pump(InputStream output) throws IOException {
        List<String> tail = new ArrayList<>();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(output, StandardCharsets.UTF_8))) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                log.line(line);
                tail.add(line);
                if (tail.size() > 5) {
                    tail.remove(0);
                }
            }
        }
        return tail;
    }

    private static String error(int status, Path errorFile, List<String> tail) throws IOException {
        if (Files.isRegularFile(errorFile)) {
            String written = Files.readString(errorFile, StandardCharsets.UTF_8).strip();
            if (!written.isEmpty()) {
                return written;
            }
        }
        String last = tail.isEmpty() ? "" : " (its last output: " + tail.get(tail.size() - 1) + ")";
        return status > 128
                ? "the Python process was killed by signal " + (status - 128) + last
                : "the Python process exited with status " + status + last;
    }

    /**
     * The task values the script set with {@code kindling.set_value}: the helper appends them to {@code file}, one JSON
     * object ({@code name}, {@code value}) a line; a name set twice keeps its last value.
     *
     * @throws Failure naming a value that is not a valid task value
     */
    private static Map<String, Object> taskValues(Path file) throws IOException, Failure {
        Map<String, Object> values = new LinkedHashMap<>();
        if (!Files.isRegularFile(file)) {
            return values;
        }
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (line.isBlank()) {
                continue;
            }
            try {
                JsonNode entry = JSON.readTree(line);
                String name = entry.path("name").asText();
                Object value = JSON.treeToValue(entry.get("value"), Object.class);
                values.put(name, TaskValuesJson.checkValue(name, value));
            } catch (IllegalArgumentException | JsonProcessingException e) {
                throw new Failure("kindling.set_value: " + e.getMessage());
            }
        }
        return values;
    }

    /** Kindling's Python files, copied once per JVM to a folder of their own (deleted at exit). */
    private static synchronized Path helpers() throws IOException {
        if (helpers == null) {
            Path folder = Files.createTempDirectory("kindling-python-helpers-");
            for (String name : List.of("kindling.py", "kindling_task.py", "kindling_notebook.py")) {
                try (InputStream in = PythonScript.class.getResourceAsStream(RESOURCES + name)) {
                    if (in == null) {
                        throw new IOException(RESOURCES + name + " is missing from the class path");
                    }
                    Files.copy(in, folder.resolve(name));
                }
            }
            Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteQuietly(folder)));
            helpers = folder;
        }
        return helpers;
    }

    private static void deleteQuietly(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder())
                    .forEach(path -> path.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // a temporary folder: the system cleans it eventually
        }
    }
}
