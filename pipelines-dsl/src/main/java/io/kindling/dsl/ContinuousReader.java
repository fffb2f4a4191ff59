package io.kindling.dsl;

import java.util.List;
import java.util.Optional;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Reads the scalar form {@code trigger: continuous} (the mapping form is {@link UpstreamTriggerReader}'s) and the
 * rules a continuous pipeline keeps.
 */
final class ContinuousReader {
    static final String CONTINUOUS = "continuous";

    private ContinuousReader() {}

    /** Whether {@code trigger:} is written as a scalar, which only {@code continuous} may be. */
    static boolean scalarTrigger(YamlMap pipeline) {
        return pipeline.value("trigger").filter(ScalarNode.class::isInstance).isPresent();
    }

    /** Whether the scalar {@code trigger:} is {@code continuous}; anything else is a problem. */
    static boolean isContinuous(YamlMap pipeline, Problems problems) {
        Optional<YamlMap.Scalar> value = pipeline.scalar("trigger");
        if (value.isEmpty()) {
            return false;
        }
        if (value.get().value().equals(CONTINUOUS)) {
            return true;
        }
        problems.at(
                value.get().node(),
                "trigger: expected continuous, or a mapping with after: or events:, got '"
                        + value.get().value() + "'");
        return false;
    }

    /**
     * A continuous pipeline's failed run is followed by a new one after a backoff, which takes the place of task
     * retries: {@code retries} above 0, in {@code defaults:} or a task, is refused where it is written.
     */
    static void refuseRetries(YamlMap pipeline, Problems problems) {
        pipeline.value("defaults").ifPresent(defaults -> refuseRetriesIn(defaults, problems));
        pipeline.value("tasks")
                .filter(SequenceNode.class::isInstance)
                .map(node -> ((SequenceNode) node).getValue())
                .orElse(List.of())
                .forEach(task -> refuseRetriesIn(task, problems));
    }

    private static void refuseRetriesIn(Node mapping, Problems problems) {
        if (!(mapping instanceof MappingNode map)) {
            return;
        }
        for (NodeTuple tuple : map.getValue()) {
            if (tuple.getKeyNode() instanceof ScalarNode key
                    && key.getValue().equals("retries")
                    && tuple.getValueNode() instanceof ScalarNode value
                    && !value.getValue().matches("\\+?0+")) {
                problems.at(
                        key,
                        "retries: a continuous pipeline does not retry tasks: a failed run is followed by a new run"
                                + " after a backoff (docs/triggers.md): remove retries");
            }
        }
    }
}
