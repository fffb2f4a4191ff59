package io.kindling.dsl;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks the task graph: unique ids, dependencies that exist and are not the task itself, and no cycles.
 * Each problem points at the id or {@code depends_on} entry to fix.
 */
final class DagValidator {
    /** A task's id and the entries of its depends_on, with positions. */
    record Node(YamlMap.Scalar id, List<YamlMap.Scalar> dependsOn) {}

    private final Problems problems;

    DagValidator(Problems problems) {
        this.problems = problems;
    }

    void check(List<Node> tasks) {
        Map<String, Node> byId = new LinkedHashMap<>();
        for (Node task : tasks) {
            Node first = byId.putIfAbsent(task.id().value(), task);
            if (first != null) {
                problems.at(
                        task.id().node(),
                        "duplicate task id '" + task.id().value() + "' (first defined at line "
                                + (first.id().node().getStartMark().getLine() + 1) + ")");
            }
        }
        Map<String, List<YamlMap.Scalar>> edges = new LinkedHashMap<>();
        for (Node task : tasks) {
            String id = task.id().value();
            List<YamlMap.Scalar> valid = new ArrayList<>();
            for (YamlMap.Scalar dep : task.dependsOn()) {
                if (dep.value().equals(id)) {
                    problems.at(dep.node(), "task '" + id + "' depends on itself");
                } else if (!byId.containsKey(dep.value())) {
                    problems.at(
                            dep.node(),
                            "unknown dependency '" + dep.value() + "' of task '" + id + "'"
                                    + Suggestions.hint(dep.value(), byId.keySet()));
                } else {
                    valid.add(dep);
                }
            }
            if (byId.get(id) == task) {
                edges.put(id, valid);
            }
        }
        reportCycles(edges);
    }

    /**
     * Removes tasks whose dependencies can all run first, over and over; every task left depends on a cycle
     * or is on one. Walking depends_on from each task left, in file order, reaches a cycle; each is reported
     * once, starting at its task that comes first in the file.
     */
    private void reportCycles(Map<String, List<YamlMap.Scalar>> edges) {
        Set<String> left = new HashSet<>(edges.keySet());
        Map<String, Integer> waiting = new HashMap<>();
        Map<String, List<String>> dependents = new HashMap<>();
        Deque<String> ready = new ArrayDeque<>();
        edges.forEach((id, deps) -> {
            Set<String> distinct = new HashSet<>();
            deps.forEach(d -> distinct.add(d.value()));
            waiting.put(id, distinct.size());
            distinct.forEach(
                    d -> dependents.computeIfAbsent(d, k -> new ArrayList<>()).add(id));
            if (distinct.isEmpty()) {
                ready.add(id);
            }
        });
        while (!ready.isEmpty()) {
            String id = ready.poll();
            left.remove(id);
            for (String dependent : dependents.getOrDefault(id, List.of())) {
                if (waiting.merge(dependent, -1, Integer::sum) == 0) {
                    ready.add(dependent);
                }
            }
        }
        Map<String, Integer> order = new HashMap<>();
        edges.keySet().forEach(id -> order.put(id, order.size()));
        Set<String> visited = new HashSet<>();
        for (String start : edges.keySet()) {
            if (!left.contains(start) || visited.contains(start)) {
                continue;
            }
            List<String> path = new ArrayList<>();
            String at = start;
            while (!visited.contains(at)) {
                visited.add(at);
                path.add(at);
                at = edges.get(at).stream()
                        .map(YamlMap.Scalar::value)
                        .filter(left::contains)
                        .findFirst()
                        .orElseThrow();
            }
            int from = path.indexOf(at);
            if (from >= 0) {
                report(path.subList(from, path.size()), order, edges);
            }
        }
    }

    private void report(List<String> cycle, Map<String, Integer> order, Map<String, List<YamlMap.Scalar>> edges) {
        String first = Collections.min(cycle, Comparator.comparing(order::get));
        List<String> rotated = new ArrayList<>(cycle);
        Collections.rotate(rotated, -cycle.indexOf(first));
        String next = rotated.size() > 1 ? rotated.get(1) : first;
        YamlMap.Scalar entry = edges.get(first).stream()
                .filter(d -> d.value().equals(next))
                .findFirst()
                .orElseThrow();
        rotated.add(first);
        problems.at(
                entry.node(), "dependency cycle: " + String.join(" -> ", rotated) + " (each task depends on the next)");
    }
}
