package io.kindling.dsl;

import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Reads a pipeline's {@code params:} into {@link ParamSpec}s. A param is either a bare default, whose YAML type
 * gives the param's ({@code 21} an int, {@code 2.5} a double, {@code true} a boolean, {@code 2026-01-01} a date,
 * a list a list, anything else a string), or a mapping with {@code type}, {@code default}, {@code max_length},
 * {@code pattern} and {@code values}.
 */
final class ParamReader {
    static final Pattern NAME = Pattern.compile("[a-z_][a-z0-9_]*");
    /** Bound as SQL parameter markers too, so a param cannot take their names. */
    static final Set<String> BUILT_INS = Set.of("ds", "logical_time", "run_id", "pipeline");

    private static final Set<String> KEYS = Set.of("type", "default", "max_length", "pattern", "values");

    private final Problems problems;
    private final Set<String> names = new LinkedHashSet<>();

    ParamReader(Problems problems) {
        this.problems = problems;
    }

    /** The params in file order; a param with a problem is reported and left out. */
    Map<String, ParamSpec> read(Node node) {
        Map<String, ParamSpec> params = new LinkedHashMap<>();
        Optional<YamlMap> map = YamlMap.ofAnyKeys(node, "params", problems);
        if (map.isEmpty()) {
            return params;
        }
        for (Map.Entry<String, NodeTuple> entry : map.get().tuples().entrySet()) {
            String name = entry.getKey();
            names.add(name);
            Node key = entry.getValue().getKeyNode();
            if (!NAME.matcher(name).matches()) {
                problems.at(
                        key,
                        "invalid param name '" + name + "': lowercase letters, digits and _, not starting "
                                + "with a digit (SQL names it as the parameter marker :" + name + ")");
                continue;
            }
            if (BUILT_INS.contains(name)) {
                problems.at(
                        key,
                        "param name '" + name + "' is taken: ds, logical_time, run_id and pipeline are "
                                + "built-in template names and SQL parameter markers");
                continue;
            }
            Node value = entry.getValue().getValueNode();
            Optional<ParamSpec> spec = value instanceof MappingNode ? declared(name, value) : bare(name, value);
            spec.ifPresent(s -> params.put(name, s));
        }
        return params;
    }

    /** Every param name read, also those reported: templates naming them are not reported again. */
    Set<String> names() {
        return names;
    }

    /** A bare default: its YAML type is the param's. */
    private Optional<ParamSpec> bare(String name, Node value) {
        if (value instanceof SequenceNode list) {
            return listDefault(name, list).map(items -> ParamSpec.of(name, ParamType.LIST, items));
        }
        ScalarNode scalar = (ScalarNode) value;
        String text = YamlMap.isNull(value) ? "" : scalar.getValue();
        Tag tag = value.getTag();
        if (tag.equals(Tag.INT)) {
            Optional<Object> number = ParamType.INT.parse(text).or(() -> ParamType.LONG.parse(text));
            if (number.isEmpty()) {
                problems.at(
                        value,
                        "params." + name + ": '" + text + "' is not a decimal int or long "
                                + "(declare {type: string, default: \"" + text + "\"} for text)");
            }
            return number.map(n -> ParamSpec.of(name, ParamType.of(n), n));
        }
        if (tag.equals(Tag.FLOAT)) {
            Optional<Object> number = ParamType.DOUBLE.parse(text);
            if (number.isEmpty()) {
                problems.at(
                        value,
                        "params." + name + ": '" + text + "' is not a decimal number "
                                + "(declare {type: string, default: \"" + text + "\"} for text)");
            }
            return number.map(n -> ParamSpec.of(name, ParamType.DOUBLE, n));
        }
        if (tag.equals(Tag.BOOL)) {
            return Optional.of(ParamSpec.of(name, ParamType.BOOLEAN, text.matches("(?i)true|yes|on")));
        }
        if (tag.equals(Tag.TIMESTAMP)) {
            return timestamp(text)
                    .map(t -> ParamSpec.of(name, ParamType.of(t), t))
                    .or(() -> {
                        problems.at(
                                value,
                                "params." + name + ": '" + text + "' is not a date (yyyy-MM-dd) or an ISO-8601 "
                                        + "timestamp with an offset");
                        return Optional.empty();
                    });
        }
        return Optional.of(ParamSpec.of(name, ParamType.STRING, text));
    }

    /** A YAML timestamp as a date when it has no time, else an instant (UTC when it gives no offset). */
    private static Optional<Object> timestamp(String text) {
        Optional<Object> day = ParamType.DATE.parse(text);
        if (day.isPresent()) {
            return day;
        }
        Optional<Object> instant = ParamType.TIMESTAMP.parse(text);
        if (instant.isPresent()) {
            return instant;
        }
        try {
            return Optional.of(
                    java.time.LocalDateTime.parse(text.replace(' ', 'T')).toInstant(ZoneOffset.UTC));
        } catch (java.time.DateTimeException e) {
            return Optional.empty();
        }
    }

    private Optional<ParamSpec> declared(String name, Node node) {
        YamlMap map = YamlMap.of(node, "params." + name, "param '" + name + "'", KEYS, problems)
                .orElseThrow();
        Optional<YamlMap.Scalar> typeName = map.requiredScalar("type");
        Optional<ParamType> type =
                typeName.flatMap(t -> ParamType.named(t.value()).or(() -> {
                    problems.at(
                            t.node(),
                            "params." + name + ": unknown type '" + t.value() + "' (use one of "
                                    + ParamType.names() + ")"
                                    + Suggestions.hint(
                                            t.value(), Set.of(ParamType.names().split(", "))));
                    return Optional.empty();
                }));
        int maxLength = map.integer("max_length", 1).orElse(ParamSpec.DEFAULT_MAX_LENGTH);
        Optional<YamlMap.Scalar> pattern = map.scalar("pattern");
        pattern.ifPresent(p -> {
            try {
                Pattern.compile(p.value());
            } catch (PatternSyntaxException e) {
                problems.at(p.node(), "params." + name + ".pattern: not a regular expression: " + e.getDescription());
            }
        });
        List<String> values = map.scalars("values").orElse(List.of()).stream()
                .map(YamlMap.Scalar::value)
                .toList();
        if (type.isEmpty()) {
            return Optional.empty();
        }
        boolean ok = true;
        ok &= onlyFor(map, "values", type.get(), Set.of(ParamType.ENUM));
        ok &= onlyFor(map, "pattern", type.get(), Set.of(ParamType.STRING, ParamType.LIST));
        ok &= onlyFor(map, "max_length", type.get(), Set.of(ParamType.STRING, ParamType.LIST));
        if (type.get() == ParamType.ENUM && values.isEmpty()) {
            problems.at(map.start(), "params." + name + ": an enum lists its values, e.g. values: [eu, us]");
            ok = false;
        }
        ParamSpec noDefault;
        try {
            noDefault = new ParamSpec(
                    name, type.get(), Optional.empty(), maxLength, pattern.map(YamlMap.Scalar::value), values);
        } catch (IllegalArgumentException e) {
            return Optional.empty(); // the pattern, reported above
        }
        Optional<Node> defaultNode = map.value("default");
        if (defaultNode.isEmpty() || !ok) {
            return ok ? Optional.of(noDefault) : Optional.empty();
        }
        Optional<Object> given = defaultNode.get() instanceof SequenceNode list && type.get() == ParamType.LIST
                ? listDefault(name, list).map(Object.class::cast)
                : map.scalar("default").map(YamlMap.Scalar::value);
        if (given.isEmpty()) {
            return Optional.empty();
        }
        try {
            Object value = noDefault.check(given.get());
            return Optional.of(
                    new ParamSpec(name, type.get(), Optional.of(value), maxLength, noDefault.pattern(), values));
        } catch (IllegalArgumentException e) {
            problems.at(defaultNode.get(), "default: " + e.getMessage());
            return Optional.empty();
        }
    }

    private boolean onlyFor(YamlMap map, String key, ParamType type, Set<ParamType> types) {
        if (map.has(key) && !types.contains(type)) {
            problems.at(
                    map.keyNode(key).orElseThrow(),
                    key + ": only a param of type "
                            + String.join(
                                    " or ",
                                    types.stream()
                                            .map(ParamType::yamlName)
                                            .sorted()
                                            .toList())
                            + " takes " + key + " (this one is " + type.yamlName() + ")");
            return false;
        }
        return true;
    }

    private Optional<List<String>> listDefault(String name, SequenceNode list) {
        List<String> items = new ArrayList<>();
        boolean ok = true;
        for (Node item : list.getValue()) {
            if (!(item instanceof ScalarNode scalar) || YamlMap.isNull(item)) {
                problems.at(item, "params." + name + ": list items must be strings, got " + YamlMap.describe(item));
                ok = false;
            } else if (scalar.getValue().isEmpty()) {
                problems.at(item, "params." + name + ": list items cannot be empty");
                ok = false;
            } else if (scalar.getValue().contains(",")) {
                problems.at(
                        item,
                        "params." + name + ": list items cannot hold ',' (the run history joins them " + "with it)");
                ok = false;
            } else {
                items.add(scalar.getValue());
            }
        }
        return ok ? Optional.of(List.copyOf(items)) : Optional.empty();
    }
}
