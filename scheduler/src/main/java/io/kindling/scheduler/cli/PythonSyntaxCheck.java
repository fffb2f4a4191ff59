package io.kindling.scheduler.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kindling.dsl.Pipeline;
import io.kindling.dsl.Problem;
import io.kindling.dsl.Task;
import io.kindling.dsl.TaskBody;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * validate's check of Python tasks' files: all of them compiled with {@code py_compile} by one Python process, each
 * syntax error a problem at its file, line and column. Without a Python it says so and checks nothing: validate
 * needs no Python, as the daemon does not.
 */
final class PythonSyntaxCheck {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long TIMEOUT_SECONDS = 60;
    /** Compiles each argument into a scratch folder and prints the errors as one JSON list. */
    private static final String COMPILE = String.join(
            "\n",
            "import json, os, py_compile, sys, tempfile",
            "errors = []",
            "with tempfile.TemporaryDirectory() as scratch:",
            "    for i, path in enumerate(sys.argv[1:]):",
            "        try:",
            "            py_compile.compile(path, cfile=os.path.join(scratch, f'{i}.pyc'), doraise=True)",
            "        except py_compile.PyCompileError as e:",
            "            v = e.exc_value",
            "            message = getattr(v, 'msg', None) or str(v)",
            "            errors.append({'file': path, 'line': getattr(v, 'lineno', None) or 1,",
            "                           'column': getattr(v, 'offset', None) or 1,",
            "                           'message': f'{e.exc_type_name}: {message}'})",
            "print(json.dumps(errors))",
            "");

    private PythonSyntaxCheck() {}

    /** The files of the pipelines' {@code python: {file: ...}} tasks, each once, in order. */
    static List<Path> files(List<Pipeline> pipelines) {
        Set<Path> files = new LinkedHashSet<>();
        for (Pipeline pipeline : pipelines) {
            for (Task task : pipeline.tasks()) {
                // a for_each's iterations run its tasks' scripts
                List<Task> run = task.body() instanceof TaskBody.ForEach forEach ? forEach.tasks() : List.of(task);
                for (Task t : run) {
                    if (t.body() instanceof TaskBody.Python python) {
                        python.file().ifPresent(files::add);
                    }
                }
            }
        }
        return List.copyOf(files);
    }

    /**
     * Prints a problem for each file that does not compile; returns how many. A missing Python is a note on
     * {@code notes}, not a problem.
     */
    static int check(List<Pipeline> pipelines, String python, PrintStream out, PrintStream notes) {
        List<Path> files = files(pipelines);
        if (files.isEmpty()) {
            return 0;
        }
        List<String> command = new ArrayList<>(List.of(python, "-c", COMPILE));
        files.forEach(file -> command.add(file.toString()));
        String output;
        try {
            Process process =
                    new ProcessBuilder(command).redirectErrorStream(false).start();
            process.getOutputStream().close();
            output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS) || process.exitValue() != 0) {
                process.destroyForcibly();
                notes.println("validate: " + files.size() + " Python file(s) not compiled: '" + python
                        + "' did not run py_compile ("
                        + new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).strip() + ")");
                return 0;
            }
        } catch (IOException e) {
            notes.println("validate: " + files.size() + " Python file(s) not compiled: no Python '" + python + "' ("
                    + e.getMessage() + "); give --python PATH or install python3 to check them");
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
        int problems = 0;
        try {
            for (JsonNode error : JSON.readTree(output.strip())) {
                out.println(new Problem(
                        shown(Path.of(error.get("file").asText())),
                        error.get("line").asInt(1),
                        Math.max(1, error.get("column").asInt(1)),
                        error.get("message").asText()));
                problems++;
            }
        } catch (IOException e) {
            notes.println("validate: cannot read what py_compile said: " + output.strip());
        }
        return problems;
    }

    /** A file under the current folder as a relative path, as pipeline problems show theirs. */
    private static Path shown(Path file) {
        Path here = Path.of("").toAbsolutePath();
        return file.startsWith(here) ? here.relativize(file) : file;
    }
}
