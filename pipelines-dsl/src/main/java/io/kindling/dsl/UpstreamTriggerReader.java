package io.kindling.dsl;

import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Reads {@code trigger:}: {@code after} (upstream pipelines and states), {@code match}, {@code timezone}, rerun; and
 * {@code events: {secret: NAME}} (signed inbound events). One of {@code after}, {@code events} and {@code files}
 * ({@link FilesTriggerReader}) is required.
 */
final class UpstreamTriggerReader {
    static final Set<String> KEYS = Set.of("after", "match", "timezone", "on_upstream_rerun", "events", "files");
    private static final Set<String> EVENT_KEYS = Set.of("secret");
    private static final Set<String> AFTER_KEYS = Set.of("pipeline", "state");

    private final Problems problems;

    UpstreamTriggerReader(Problems problems) {
        this.problems = problems;
    }

    /** {@code trigger.events}, when given. */
    Optional<EventTrigger> events(YamlMap map) {
        return map.map("events", "trigger events", EVENT_KEYS)
                .flatMap(events -> events.requiredScalar("secret").flatMap(name -> {
                    if (!SecretNames.isValid(name.value())) {
                        problems.at(
                                name.node(),
                                "events.secret: '" + name.value() + "' is not a secret name (letters, digits and _, "
                                        + "not starting with a digit; the value comes from the secrets file or "
                                        + "KINDLING_SECRET_<NAME>)");
                        return Optional.empty();
                    }
                    return Optional.of(new EventTrigger(name.value()));
                }));
    }

    Optional<UpstreamTrigger> read(YamlMap map, String pipelineId) {
        if ((map.keyNode("events").isPresent() || map.keyNode("files").isPresent())
                && map.keyNode("after").isEmpty()) {
            for (String key : List.of("match", "timezone", "on_upstream_rerun")) {
                map.keyNode(key).ifPresent(k -> problems.at(k, key + ": only with after: (upstream pipelines)"));
            }
            return Optional.empty();
        }
        List<UpstreamTrigger.After> after = after(map, pipelineId);
        UpstreamTrigger.Match match = map.scalar("match")
                .flatMap(v -> named(v, "match", UpstreamTrigger.Match.values(), UpstreamTrigger.Match::yaml))
                .orElse(UpstreamTrigger.Match.LOGICAL_DATE);
        ZoneId zone = map.scalar("timezone")
                .flatMap(v -> PipelineReader.zone(v, problems))
                .orElse(ZoneOffset.UTC);
        boolean rerun = map.scalar("on_upstream_rerun")
                .flatMap(v -> {
                    if (v.value().equals("trigger") || v.value().equals("ignore")) {
                        return Optional.of(v.value().equals("trigger"));
                    }
                    problems.at(v.node(), "on_upstream_rerun: expected trigger or ignore, got '" + v.value() + "'");
                    return Optional.empty();
                })
                .orElse(true);
        return after.isEmpty() ? Optional.empty() : Optional.of(new UpstreamTrigger(after, match, zone, rerun));
    }

    private List<UpstreamTrigger.After> after(YamlMap map, String pipelineId) {
        Optional<Node> node = map.required("after");
        if (node.isEmpty()) {
            return List.of();
        }
        if (!(node.get() instanceof SequenceNode list) || list.getValue().isEmpty()) {
            problems.at(node.get(), "after: expected a list of {pipeline: id, state: succeeded|failed|done}");
            return List.of();
        }
        List<UpstreamTrigger.After> after = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (Node entry : list.getValue()) {
            Optional<YamlMap> read = YamlMap.of(entry, "after", "trigger after", AFTER_KEYS, problems);
            if (read.isEmpty()) {
                continue;
            }
            Optional<YamlMap.Scalar> upstream = read.get().requiredScalar("pipeline");
            UpstreamTrigger.State state = read.get()
                    .scalar("state")
                    .flatMap(v -> named(v, "state", UpstreamTrigger.State.values(), UpstreamTrigger.State::yaml))
                    .orElse(UpstreamTrigger.State.SUCCEEDED);
            if (upstream.isEmpty()) {
                continue;
            }
            YamlMap.Scalar id = upstream.get();
            if (id.value().equals(pipelineId)) {
                problems.at(id.node(), "after: a pipeline cannot wait for itself");
            } else if (!seen.add(id.value())) {
                problems.at(id.node(), "after: pipeline '" + id.value() + "' is named twice");
            } else {
                after.add(new UpstreamTrigger.After(
                        id.value(),
                        state,
                        id.node().getStartMark().getLine() + 1,
                        id.node().getStartMark().getColumn() + 1));
            }
        }
        return after;
    }

    private <T> Optional<T> named(
            YamlMap.Scalar value, String key, T[] values, java.util.function.Function<T, String> yaml) {
        for (T candidate : values) {
            if (yaml.apply(candidate).equals(value.value())) {
                return Optional.of(candidate);
            }
        }
        problems.at(
                value.node(),
                key + ": expected "
                        + String.join(" or ", Stream.of(values).map(yaml).toList()) + ", got '" + value.value() + "'");
        return Optional.empty();
    }
}
