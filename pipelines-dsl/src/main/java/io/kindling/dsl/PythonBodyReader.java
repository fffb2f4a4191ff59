package io.kindling.dsl;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads a {@code python:} body: {@code file} (a script next to the pipeline file, with {@code sql_file}'s rules) or
 * {@code module} (installed in the executor's Python environment), and {@code args}.
 */
final class PythonBodyReader {
    static final Set<String> KEYS = Set.of("file", "module", "args");
    private static final Pattern MODULE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(?:\\.[A-Za-z_][A-Za-z0-9_]*)*");

    private final SqlFiles files;
    private final TemplateCheck templates;
    private final Problems problems;

    PythonBodyReader(SqlFiles files, TemplateCheck templates, Problems problems) {
        this.files = files;
        this.templates = templates;
        this.problems = problems;
    }

    Optional<TaskBodyReader.Body> read(YamlMap task, String label) {
        Optional<YamlMap> python = task.required("python")
                .flatMap(node -> YamlMap.of(node, "python", "python of " + label, KEYS, problems));
        if (python.isEmpty()) {
            return Optional.empty();
        }
        YamlMap map = python.get();
        Optional<YamlMap.Scalar> file = map.scalar("file");
        Optional<YamlMap.Scalar> module = map.scalar("module");
        List<YamlMap.Scalar> args = map.scalars("args").orElse(List.of());
        args.forEach(a -> templates.check(a.value(), a.node()));
        if (file.isPresent() && module.isPresent()) {
            problems.at(
                    map.keyNode("module").orElseThrow(),
                    "python: give file or module, not both (" + label + " has both)");
            return Optional.empty();
        }
        if (file.isEmpty() && module.isEmpty()) {
            problems.at(
                    map.start(),
                    "python: expected file (a script, relative to the pipeline file) or module (a module installed "
                            + "in the executor's Python)");
            return Optional.empty();
        }
        List<String> argValues = args.stream().map(YamlMap.Scalar::value).toList();
        if (module.isPresent()) {
            String name = module.get().value();
            if (!MODULE.matcher(name).matches()) {
                problems.at(
                        module.get().node(), "module: '" + name + "' is not a Python module name (like jobs.clean)");
                return Optional.empty();
            }
            return Optional.of(new TaskBodyReader.Body(
                    new TaskBody.Python(Optional.empty(), Optional.of(name), argValues), Optional.empty()));
        }
        return script(file.get())
                .map(read -> new TaskBodyReader.Body(
                        new TaskBody.Python(Optional.of(read.real()), Optional.empty(), argValues),
                        Optional.of(read.file())));
    }

    private record Script(Path real, SqlFiles.SqlFile file) {}

    /** The script, checked as {@code sql_file} is; its bytes count in the pipeline's version. */
    private Optional<Script> script(YamlMap.Scalar value) {
        String text = value.value();
        Optional<Path> real = files.inside(value, "file");
        if (real.isEmpty()) {
            return Optional.empty();
        }
        if (!text.endsWith(".py")) {
            problems.at(value.node(), "file: '" + text + "' is not a Python file (*.py)");
            return Optional.empty();
        }
        try {
            if (Files.size(real.get()) > SqlFiles.MAX_BYTES) {
                problems.at(value.node(), "file: '" + text + "' is larger than 1 MiB");
                return Optional.empty();
            }
            byte[] bytes = Files.readAllBytes(real.get());
            return Optional.of(new Script(real.get(), new SqlFiles.SqlFile("", bytes, real.get())));
        } catch (IOException | SecurityException e) {
            problems.at(value.node(), "file: cannot read '" + text + "': " + e);
            return Optional.empty();
        }
    }
}
