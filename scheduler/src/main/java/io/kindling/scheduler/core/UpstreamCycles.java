package io.kindling.scheduler.core;

import io.kindling.dsl.ParseResult;
import io.kindling.dsl.Pipeline;
import io.kindling.dsl.Problem;
import io.kindling.dsl.UpstreamTrigger;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Pipelines that wait for each other through {@code trigger: {after: ...}} would never run: a file whose pipeline
 * closes such a cycle, with the pipelines loaded from elsewhere, is refused at the entry that closes it (its last good
 * version, if any, stays). A file alone cannot see this; the registry can.
 */
public final class UpstreamCycles {
    private UpstreamCycles() {}

    /** {@code results} with each pipeline that closes a cycle turned into a problem at its {@code after} entry. */
    public static List<ParseResult> refuse(List<ParseResult> results, Map<String, Pipeline> loadedElsewhere) {
        Map<String, List<String>> upstreams = new HashMap<>();
        loadedElsewhere.values().forEach(p -> upstreams.put(p.id(), upstreamsOf(p)));
        results.stream().flatMap(r -> r.pipeline().stream()).forEach(p -> upstreams.put(p.id(), upstreamsOf(p)));
        List<ParseResult> checked = new ArrayList<>(results.size());
        for (ParseResult result : results) {
            Optional<UpstreamTrigger> trigger = result.pipeline().flatMap(Pipeline::trigger);
            List<Problem> problems = new ArrayList<>();
            if (trigger.isPresent()) {
                String id = result.pipeline().get().id();
                for (UpstreamTrigger.After after : trigger.get().after()) {
                    path(after.pipeline(), id, upstreams)
                            .ifPresent(path -> problems.add(new Problem(
                                    result.file(),
                                    after.line(),
                                    after.column(),
                                    "after: waiting for '" + after.pipeline() + "' closes a cycle of pipelines that "
                                            + "wait for each other (" + id + " waits for "
                                            + String.join(" waits for ", path)
                                            + "), so none of them would ever run")));
                }
            }
            checked.add(problems.isEmpty() ? result : new ParseResult(result.file(), Optional.empty(), problems));
        }
        return checked;
    }

    private static List<String> upstreamsOf(Pipeline pipeline) {
        return pipeline.trigger()
                .map(t ->
                        t.after().stream().map(UpstreamTrigger.After::pipeline).toList())
                .orElse(List.of());
    }

    /** The chain of upstreams from {@code from} that reaches {@code to}, both included, if there is one. */
    private static Optional<List<String>> path(String from, String to, Map<String, List<String>> upstreams) {
        Map<String, String> reachedFrom = new HashMap<>();
        Set<String> seen = new HashSet<>(Set.of(from));
        Deque<String> queue = new ArrayDeque<>(List.of(from));
        while (!queue.isEmpty()) {
            String at = queue.poll();
            if (at.equals(to)) {
                List<String> path = new ArrayList<>();
                for (String step = to; step != null; step = reachedFrom.get(step)) {
                    path.add(0, step);
                }
                return Optional.of(path);
            }
            for (String next : upstreams.getOrDefault(at, List.of())) {
                if (seen.add(next)) {
                    reachedFrom.put(next, at);
                    queue.add(next);
                }
            }
        }
        return Optional.empty();
    }
}
