package io.kindling.dsl;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads a {@code notebook:} body: {@code path} (an {@code .ipynb} next to the pipeline file, with {@code sql_file}'s
 * rules) and {@code params} (by Python name: YAML values that keep their type, lists and maps included; text may be
 * a template). The notebook must be nbformat 4 JSON; when params are given,
 * one of its code cells must be tagged {@code parameters}. Problems inside the notebook name its own line and column.
 */
final class NotebookBodyReader {
    static final Set<String> KEYS = Set.of("path", "params");
    /** Notebooks keep their outputs, so they may be larger than a script. */
    static final long MAX_BYTES = 16 * 1024 * 1024;
    /** The tag of the cell whose values the params replace (papermill's). */
    static final String PARAMETERS_TAG = "parameters";

    private static final Pattern SECRET = Pattern.compile("\\{\\{\\s*secrets\\.");
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Set<String> KEYWORDS = Set.of(
            "False",
            "None",
            "True",
            "and",
            "as",
            "assert",
            "async",
            "await",
            "break",
            "class",
            "continue",
            "def",
            "del",
            "elif",
            "else",
            "except",
            "finally",
            "for",
            "from",
            "global",
            "if",
            "import",
            "in",
            "is",
            "lambda",
            "nonlocal",
            "not",
            "or",
            "pass",
            "raise",
            "return",
            "try",
            "while",
            "with",
            "yield",
            "spark",
            "kindling");

    private final SqlFiles files;
    private final TemplateCheck templates;
    private final Problems problems;

    NotebookBodyReader(SqlFiles files, TemplateCheck templates, Problems problems) {
        this.files = files;
        this.templates = templates;
        this.problems = problems;
    }

    Optional<TaskBodyReader.Body> read(YamlMap task, String label) {
        Optional<YamlMap> notebook = task.required("notebook")
                .flatMap(node -> YamlMap.of(node, "notebook", "notebook of " + label, KEYS, problems));
        if (notebook.isEmpty()) {
            return Optional.empty();
        }
        YamlMap map = notebook.get();
        int before = problems.size();
        Map<String, Object> params = new LinkedHashMap<>();
        map.value("params")
                .flatMap(node -> YamlMap.ofAnyKeys(node, "notebook.params", problems))
                .ifPresent(given -> given.tuples().forEach((name, tuple) -> {
                    if (!IDENTIFIER.matcher(name).matches() || KEYWORDS.contains(name)) {
                        problems.at(
                                tuple.getKeyNode(),
                                "notebook.params: '" + name
                                        + "' is not a name the notebook can assign (a Python identifier,"
                                        + " not a keyword, spark or kindling)");
                    }
                    params.put(name, YamlMap.plain(tuple.getValueNode(), (text, node) -> {
                        templates.check(text, node);
                        if (SECRET.matcher(text).find()) {
                            problems.at(
                                    node,
                                    "notebook.params." + name + ": a secret cannot be a notebook param (the executed"
                                            + " notebook, its parameters included, is served to viewers while it"
                                            + " runs)");
                        }
                    }));
                }));
        Optional<YamlMap.Scalar> path = map.requiredScalar("path");
        if (path.isEmpty()) {
            return Optional.empty();
        }
        Optional<Path> real = files.inside(path.get(), "path");
        if (real.isEmpty()) {
            return Optional.empty();
        }
        String text = path.get().value();
        if (!text.endsWith(".ipynb")) {
            problems.at(path.get().node(), "path: '" + text + "' is not a Jupyter notebook (*.ipynb)");
            return Optional.empty();
        }
        byte[] bytes;
        try {
            if (Files.size(real.get()) > MAX_BYTES) {
                problems.at(path.get().node(), "path: '" + text + "' is larger than 16 MiB");
                return Optional.empty();
            }
            bytes = Files.readAllBytes(real.get());
        } catch (IOException | SecurityException e) {
            problems.at(path.get().node(), "path: cannot read '" + text + "': " + e);
            return Optional.empty();
        }
        Path shown = problems.file().resolveSibling(text).normalize();
        check(bytes, shown, path.get(), !params.isEmpty());
        if (problems.size() > before) {
            return Optional.empty();
        }
        return Optional.of(new TaskBodyReader.Body(
                new TaskBody.Notebook(real.get(), params), Optional.of(new SqlFiles.SqlFile("", bytes, real.get()))));
    }

    /** The notebook is nbformat 4 JSON and, when params are given, has a code cell tagged {@code parameters}. */
    private void check(byte[] bytes, Path shown, YamlMap.Scalar path, boolean needsParameters) {
        Object root;
        try {
            String text = StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
            root = JsonText.parse(text);
        } catch (CharacterCodingException e) {
            problems.at(path.node(), "path: '" + path.value() + "' is not UTF-8 text");
            return;
        } catch (JsonText.SyntaxError e) {
            problems.in(shown, e.line, e.column, "not a valid notebook: JSON syntax error: " + e.getMessage());
            return;
        }
        if (!(root instanceof Map<?, ?> notebook) || !(notebook.get("cells") instanceof List<?> cells)) {
            problems.in(shown, 1, 1, "not a valid notebook: expected a JSON object with a cells list (nbformat 4)");
            return;
        }
        Object format = notebook.get("nbformat");
        if (!(format instanceof Double number) || number < 4) {
            problems.in(
                    shown,
                    1,
                    1,
                    "not a valid notebook: nbformat "
                            + (format == null ? "(missing)" : format.toString().replace(".0", ""))
                            + ", expected 4 (save it with Jupyter 4 or later)");
            return;
        }
        if (needsParameters && cells.stream().noneMatch(NotebookBodyReader::isParametersCell)) {
            problems.at(
                    path.node(),
                    "notebook: '" + path.value() + "' has no code cell tagged '" + PARAMETERS_TAG + "' for its params"
                            + " (tag the cell that sets their defaults, as papermill does)");
        }
    }

    private static boolean isParametersCell(Object cell) {
        return cell instanceof Map<?, ?> map
                && "code".equals(map.get("cell_type"))
                && map.get("metadata") instanceof Map<?, ?> metadata
                && metadata.get("tags") instanceof List<?> tags
                && tags.contains(PARAMETERS_TAG);
    }
}
