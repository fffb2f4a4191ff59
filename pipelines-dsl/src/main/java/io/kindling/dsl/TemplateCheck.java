package io.kindling.dsl;

import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.stream.Collectors;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Reports every template placeholder that would name nothing at run time (a malformed {@code secrets.} name
 * included), where it was written; and every param placeholder in SQL, where params are bound as parameter markers
 * instead. A well-formed {@code {{ secrets.NAME }}} in SQL passes here: {@link SecretsInSql} refuses it.
 */
final class TemplateCheck {
    private final Set<String> paramNames;
    private final Problems problems;
    private final boolean triggerFiles;
    private final String known;

    /** @param triggerFiles whether the pipeline has {@code trigger: {files: ...}}, which gives {@code trigger.files} */
    TemplateCheck(Set<String> paramNames, boolean triggerFiles, Problems problems) {
        this.paramNames = Set.copyOf(paramNames);
        this.triggerFiles = triggerFiles;
        this.problems = problems;
        String params = paramNames.isEmpty()
                ? "params.<name>"
                : paramNames.stream().sorted().map(p -> "params." + p).collect(Collectors.joining(", "));
        this.known =
                "(known: ds, logical_time, run_id, pipeline, " + (triggerFiles ? "trigger.files, " : "") + params + ")";
    }

    /** Checks a string written in the pipeline file at {@code node}. */
    void check(String text, Node node) {
        for (String name : Templates.unknownNames(text, paramNames, triggerFiles)) {
            problems.at(node, unknownMessage(name));
        }
        unclosed(text, node, "");
    }

    /** A {@code {{} that no {@code }}} closes would be left in the text as is: a typo, reported once. */
    private void unclosed(String text, Node node, String where) {
        if (text.contains("{{")
                && Templates.PLACEHOLDER.matcher(text).replaceAll("").contains("{{")) {
            problems.at(node, where + "'{{' opens a template placeholder that no '}}' closes");
        }
    }

    /** Checks SQL written in the pipeline file at {@code node}: built-ins only. */
    void checkSql(String sql, Node node) {
        Matcher m = Templates.PLACEHOLDER.matcher(sql);
        while (m.find()) {
            problem(m.group(1).strip()).ifPresent(message -> problems.at(node, message));
        }
        unclosed(sql, node, "");
    }

    /** Checks the SQL of {@code fileName}, read because of the value at {@code node}: built-ins only. */
    void checkSqlFile(String sql, Node node, String fileName) {
        Matcher m = Templates.PLACEHOLDER.matcher(sql);
        while (m.find()) {
            String name = m.group(1).strip();
            String where = fileName + " line " + TextPositions.lineOf(sql, m.start());
            if (name.startsWith(Templates.PARAMS_PREFIX) || name.equals(Templates.TRIGGER_FILES)) {
                problems.at(node, where + ": " + problem(name).orElseThrow());
            } else if (SecretNames.isReference(name) && problem(name).isPresent()) {
                problems.at(node, SecretNames.malformed(name) + " in " + where);
            } else if (problem(name).isPresent()) {
                problems.at(node, "unknown template variable '" + name + "' in " + where + " " + known);
            }
        }
        unclosed(sql, node, fileName + ": ");
    }

    private Optional<String> problem(String name) {
        if (name.startsWith(Templates.PARAMS_PREFIX)) {
            return Optional.of(Templates.sqlParamMessage(name.substring(Templates.PARAMS_PREFIX.length())));
        }
        if (triggerFiles && name.equals(Templates.TRIGGER_FILES)) {
            return Optional.of(Templates.TRIGGER_FILES_IN_SQL);
        }
        if (Templates.unknownNames("{{" + name + "}}", paramNames, triggerFiles).isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(unknownMessage(name));
    }

    private String unknownMessage(String name) {
        if (SecretNames.isReference(name)) {
            return SecretNames.malformed(name);
        }
        if (name.equals(Templates.TRIGGER_FILES)) {
            return "template variable 'trigger.files' is known only in a pipeline with trigger: {files: ...}";
        }
        return "unknown template variable '" + name + "' " + known;
    }
}
