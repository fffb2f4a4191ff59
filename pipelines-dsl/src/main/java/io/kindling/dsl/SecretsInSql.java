package io.kindling.dsl;

import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;

/**
 * Refuses {@code {{ secrets.NAME }}} in SQL text: a value spliced into SQL ends up in query plans, the Spark
 * UI, event logs and error messages, none of which Kindling can mask. Secrets go in input/output options,
 * class args or spark_conf instead.
 */
final class SecretsInSql {
    private static final String WHY = " (a value in SQL shows in query plans and errors: pass it in an input's "
            + "or output's options, a class task's args or spark_conf)";

    private final Problems problems;

    SecretsInSql(Problems problems) {
        this.problems = problems;
    }

    /** Checks inline {@code sql} at {@code node}, pointing at the placeholder's line where the YAML allows. */
    void check(String sql, Node node) {
        for (SecretNames.Placeholder p : SecretNames.placeholders(sql)) {
            String message = "secrets may not appear in SQL text: " + p.text() + WHY;
            if (node instanceof ScalarNode scalar && scalar.getScalarStyle() == DumperOptions.ScalarStyle.LITERAL) {
                // A literal block's content starts on the line after "|" and keeps its lines one to one.
                int line = node.getStartMark().getLine() + 1 + TextPositions.lineOf(sql, p.index());
                problems.at(line, node.getStartMark().getColumn() + 1, message);
            } else {
                problems.at(node, message);
            }
        }
    }

    /** Checks the contents of {@code fileName}, read because of the {@code sql_file} value at {@code node}. */
    void checkFile(String sql, Node node, String fileName) {
        for (SecretNames.Placeholder p : SecretNames.placeholders(sql)) {
            problems.at(
                    node,
                    "secrets may not appear in SQL text: " + p.text() + " in " + fileName + " line "
                            + TextPositions.lineOf(sql, p.index()) + WHY);
        }
    }
}
