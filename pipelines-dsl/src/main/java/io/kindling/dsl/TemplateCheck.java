package io.kindling.dsl;

import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.stream.Collectors;

import org.yaml.snakeyaml.nodes.Node;

/** Reports every template placeholder that would name nothing at run time, where it was written. */
final class TemplateCheck {
    private final Set<String> paramNames;
    private final Problems problems;
    private final String known;

    TemplateCheck(Set<String> paramNames, Problems problems) {
        this.paramNames = Set.copyOf(paramNames);
        this.problems = problems;
        String params = paramNames.isEmpty() ? "params.<name>"
                : paramNames.stream().sorted().map(p -> "params." + p).collect(Collectors.joining(", "));
        this.known = "(known: ds, logical_time, run_id, pipeline, " + params + ")";
    }

    /** Checks a string written in the pipeline file at {@code node}. */
    void check(String text, Node node) {
        for (String name : Templates.unknownNames(text, paramNames)) {
            problems.at(node, SecretNames.isReference(name) ? SecretNames.malformed(name)
                    : "unknown template variable '" + name + "' " + known);
        }
    }

    /** Checks the contents of {@code fileName}, read because of the value at {@code node}. */
    void checkFile(String text, Node node, String fileName) {
        List<String> unknown = Templates.unknownNames(text, paramNames);
        if (unknown.isEmpty()) {
            return;
        }
        Matcher m = Templates.PLACEHOLDER.matcher(text);
        while (m.find()) {
            String name = m.group(1);
            if (unknown.contains(name)) {
                String line = " in " + fileName + " line " + TextPositions.lineOf(text, m.start());
                problems.at(node, SecretNames.isReference(name) ? SecretNames.malformed(name) + line
                        : "unknown template variable '" + name + "'" + line + " " + known);
            }
        }
    }
}
