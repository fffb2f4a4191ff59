package io.kindling.dsl;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.BiConsumer;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * One YAML mapping of a pipeline file, read key by key. Creating it reports duplicate keys, non-string keys
 * and keys not in the known set; each typed getter reports a value of the wrong type at the value's position
 * and returns empty, so reading goes on and every problem of a file is found in one pass.
 */
final class YamlMap {
    /** A scalar's text with its node, for positions. A YAML null reads as the empty string. */
    record Scalar(String value, Node node) {}

    private final MappingNode mapping;
    private final String label;
    private final String where;
    private final Problems problems;
    private final Map<String, NodeTuple> entries = new LinkedHashMap<>();

    private YamlMap(MappingNode mapping, String label, String where, Optional<Set<String>> known, Problems problems) {
        this.mapping = mapping;
        this.label = label;
        this.where = where;
        this.problems = problems;
        for (NodeTuple tuple : mapping.getValue()) {
            Node keyNode = tuple.getKeyNode();
            if (!(keyNode instanceof ScalarNode scalar)) {
                problems.at(keyNode, "keys must be strings, got " + describe(keyNode) + " in " + where);
                continue;
            }
            if (keyNode.getTag().equals(Tag.MERGE)) {
                continue; // reported by SafeYaml
            }
            String key = scalar.getValue();
            NodeTuple first = entries.get(key);
            if (first != null) {
                problems.at(
                        keyNode,
                        "duplicate key '" + key + "' in " + where + " (first at line "
                                + (first.getKeyNode().getStartMark().getLine() + 1) + ")");
            } else if (known.isPresent() && !known.get().contains(key)) {
                problems.at(keyNode, "unknown key '" + key + "' in " + where + Suggestions.hint(key, known.get()));
            } else {
                entries.put(key, tuple);
            }
        }
    }

    /** {@code node} as a mapping that may hold only {@code known} keys; otherwise reports it and is empty. */
    static Optional<YamlMap> of(Node node, String label, String where, Set<String> known, Problems problems) {
        return of(node, label, where, Optional.of(known), problems);
    }

    /** {@code node} as a mapping whose keys are free (params, options, spark_conf...). */
    static Optional<YamlMap> ofAnyKeys(Node node, String label, Problems problems) {
        return of(node, label, label, Optional.empty(), problems);
    }

    private static Optional<YamlMap> of(
            Node node, String label, String where, Optional<Set<String>> known, Problems problems) {
        if (node instanceof MappingNode mapping) {
            return Optional.of(new YamlMap(mapping, label, where, known, problems));
        }
        problems.at(node, label + ": expected a mapping, got " + describe(node));
        return Optional.empty();
    }

    Mark start() {
        return mapping.getStartMark();
    }

    Node node() {
        return mapping;
    }

    /** The entries, first occurrence of each key, in file order. */
    Map<String, NodeTuple> tuples() {
        return entries;
    }

    Set<String> keys() {
        return entries.keySet();
    }

    boolean has(String key) {
        return entries.containsKey(key);
    }

    Optional<Node> keyNode(String key) {
        return Optional.ofNullable(entries.get(key)).map(NodeTuple::getKeyNode);
    }

    /** The value of {@code key}; empty when the key is absent or its value is a YAML null. */
    Optional<Node> value(String key) {
        NodeTuple tuple = entries.get(key);
        if (tuple == null || isNull(tuple.getValueNode())) {
            return Optional.empty();
        }
        return Optional.of(tuple.getValueNode());
    }

    /** The value of a key that must be present and not null; reports either lack. */
    Optional<Node> required(String key) {
        NodeTuple tuple = entries.get(key);
        if (tuple == null) {
            problems.at(start(), "missing required key '" + key + "' in " + where);
            return Optional.empty();
        }
        if (isNull(tuple.getValueNode())) {
            problems.at(tuple.getValueNode(), key + ": a value is required");
            return Optional.empty();
        }
        return Optional.of(tuple.getValueNode());
    }

    Optional<Scalar> scalar(String key) {
        return value(key).flatMap(node -> scalar(key, node, problems));
    }

    Optional<String> string(String key) {
        return scalar(key).map(Scalar::value);
    }

    Optional<Scalar> requiredScalar(String key) {
        return required(key).flatMap(node -> scalar(key, node, problems));
    }

    OptionalInt integer(String key, int min) {
        Optional<Scalar> scalar = scalar(key);
        if (scalar.isEmpty()) {
            return OptionalInt.empty();
        }
        String text = scalar.get().value();
        if (!text.matches("[-+]?\\d{1,9}")) {
            problems.at(scalar.get().node(), key + ": expected an integer, got '" + text + "'");
            return OptionalInt.empty();
        }
        int value = Integer.parseInt(text);
        if (value < min) {
            problems.at(scalar.get().node(), key + ": must be at least " + min + ", got " + value);
            return OptionalInt.empty();
        }
        return OptionalInt.of(value);
    }

    Optional<Boolean> bool(String key) {
        Optional<Scalar> scalar = scalar(key);
        if (scalar.isPresent() && !scalar.get().value().matches("(?i)true|false|yes|no|on|off")) {
            problems.at(
                    scalar.get().node(),
                    key + ": expected true or false, got '" + scalar.get().value() + "'");
            return Optional.empty();
        }
        return scalar.map(s -> s.value().matches("(?i)true|yes|on"));
    }

    Optional<Duration> duration(String key) {
        Optional<Scalar> scalar = scalar(key);
        try {
            return scalar.map(s -> Durations.parse(s.value()));
        } catch (IllegalArgumentException e) {
            problems.at(scalar.get().node(), key + ": " + e.getMessage());
            return Optional.empty();
        }
    }

    /** A list of scalars; items that are not scalars are reported and left out. */
    Optional<List<Scalar>> scalars(String key) {
        Optional<Node> value = value(key);
        if (value.isEmpty()) {
            return Optional.empty();
        }
        if (!(value.get() instanceof SequenceNode sequence)) {
            problems.at(value.get(), key + ": expected a list, got " + describe(value.get()));
            return Optional.empty();
        }
        List<Scalar> items = new ArrayList<>();
        for (Node item : sequence.getValue()) {
            if (isNull(item)) {
                problems.at(item, key + ": expected a string, got nothing");
            } else {
                scalar(key, item, problems).ifPresent(items::add);
            }
        }
        return Optional.of(items);
    }

    /** A list of anything, for lists of mappings such as tasks. */
    Optional<SequenceNode> list(String key) {
        Optional<Node> value = value(key);
        if (value.isPresent() && !(value.get() instanceof SequenceNode)) {
            problems.at(value.get(), key + ": expected a list, got " + describe(value.get()));
            return Optional.empty();
        }
        return value.map(SequenceNode.class::cast);
    }

    /** A nested mapping holding only {@code known} keys. */
    Optional<YamlMap> map(String key, String where, Set<String> known) {
        return value(key).flatMap(node -> of(node, key, where, known, problems));
    }

    /** A nested mapping of free keys to scalar values, in file order. */
    Optional<Map<String, Scalar>> scalarMap(String key) {
        return value(key).flatMap(node -> ofAnyKeys(node, key, problems)).map(YamlMap::scalarValues);
    }

    /** This mapping's values as scalars (null is the empty string); other values are reported and left out. */
    Map<String, Scalar> scalarValues() {
        Map<String, Scalar> values = new LinkedHashMap<>();
        entries.forEach((key, tuple) -> {
            Node node = tuple.getValueNode();
            Optional<Scalar> scalar =
                    isNull(node) ? Optional.of(new Scalar("", node)) : scalar(label + "." + key, node, problems);
            scalar.ifPresent(s -> values.put(key, s));
        });
        return values;
    }

    private static Optional<Scalar> scalar(String key, Node node, Problems problems) {
        if (node instanceof ScalarNode scalar) {
            return Optional.of(new Scalar(isNull(node) ? "" : scalar.getValue(), node));
        }
        problems.at(node, key + ": expected a string, got " + describe(node));
        return Optional.empty();
    }

    /**
     * A YAML value as the JSON-like value it means: text, a whole number ({@code Long}), a finite decimal
     * ({@code Double}), a boolean, null, and lists and maps of those. What Java does not read as its tag says (a
     * {@code 0x} or sexagesimal int, {@code .inf}, a timestamp) stays the text as written.
     *
     * @param strings sees each text value with its node (to check templates where they are written)
     */
    static Object plain(Node node, BiConsumer<String, Node> strings) {
        if (node instanceof SequenceNode list) {
            List<Object> out = new ArrayList<>();
            list.getValue().forEach(n -> out.add(plain(n, strings)));
            return out;
        }
        if (node instanceof MappingNode mapping) {
            Map<String, Object> out = new LinkedHashMap<>();
            for (NodeTuple t : mapping.getValue()) {
                Node key = t.getKeyNode();
                out.put(key instanceof ScalarNode s ? s.getValue() : describe(key), plain(t.getValueNode(), strings));
            }
            return out;
        }
        String text = ((ScalarNode) node).getValue();
        Tag tag = node.getTag();
        try {
            if (Tag.NULL.equals(tag)) {
                return null;
            } else if (Tag.BOOL.equals(tag)) {
                return text.matches("(?i)true|yes|on");
            } else if (Tag.INT.equals(tag)) {
                return Long.parseLong(text.replace("_", ""));
            } else if (Tag.FLOAT.equals(tag)) {
                double value = Double.parseDouble(text.replace("_", ""));
                if (Double.isFinite(value)) {
                    return value;
                }
            }
        } catch (NumberFormatException e) {
            // a form Java does not parse: kept as written
        }
        strings.accept(text, node);
        return text;
    }

    static boolean isNull(Node node) {
        return node instanceof ScalarNode && node.getTag().equals(Tag.NULL);
    }

    /** How a value is named in messages: {@code a mapping}, {@code a list}, {@code nothing} or {@code 'text'}. */
    static String describe(Node node) {
        if (node instanceof MappingNode) {
            return "a mapping";
        }
        if (node instanceof SequenceNode) {
            return "a list";
        }
        if (isNull(node)) {
            return "nothing";
        }
        String text = ((ScalarNode) node).getValue();
        return "'" + (text.length() > 40 ? text.substring(0, 37) + "..." : text) + "'";
    }
}
