package io.kindling.scheduler.core;

import io.kindling.dsl.Pipeline;
import io.kindling.dsl.Task;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A pipeline's tasks by index with their edges both ways, so a finished task wakes exactly its dependents. A run's
 * own copy grows by the iterations of its for-each tasks ({@link #add}), which have no edges.
 */
final class Dag {
    final List<Task> tasks;
    final Map<String, Integer> index;
    int[][] dependents;
    int[][] upstream;

    private Dag(List<Task> tasks, Map<String, Integer> index, int[][] dependents, int[][] upstream) {
        this.tasks = tasks;
        this.index = index;
        this.dependents = dependents;
        this.upstream = upstream;
    }

    static Dag of(Pipeline pipeline) {
        List<Task> tasks = new ArrayList<>(pipeline.tasks());
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < tasks.size(); i++) {
            index.put(tasks.get(i).id(), i);
        }
        List<List<Integer>> down = new ArrayList<>();
        int[][] upstream = new int[tasks.size()][];
        for (int i = 0; i < tasks.size(); i++) {
            down.add(new ArrayList<>());
        }
        for (int i = 0; i < tasks.size(); i++) {
            List<String> deps = tasks.get(i).dependsOn();
            upstream[i] = new int[deps.size()];
            for (int d = 0; d < deps.size(); d++) {
                int up = index.get(deps.get(d)); // the parser guarantees dependencies exist
                upstream[i][d] = up;
                down.get(up).add(i);
            }
        }
        int[][] dependents = new int[tasks.size()][];
        for (int i = 0; i < tasks.size(); i++) {
            dependents[i] = down.get(i).stream().mapToInt(Integer::intValue).toArray();
        }
        return new Dag(tasks, index, dependents, upstream);
    }

    /**
     * Adds a task of a for-each iteration, returning its index: with edges from {@code upstream} (tasks of the same
     * iteration, added before it), none to or from the pipeline's own tasks.
     */
    int add(Task task, int[] up) {
        int i = tasks.size();
        tasks.add(task);
        index.put(task.id(), i);
        dependents = java.util.Arrays.copyOf(dependents, i + 1);
        dependents[i] = new int[0];
        upstream = java.util.Arrays.copyOf(upstream, i + 1);
        upstream[i] = up.clone();
        for (int u : up) {
            int[] down = java.util.Arrays.copyOf(dependents[u], dependents[u].length + 1);
            down[down.length - 1] = i;
            dependents[u] = down;
        }
        return i;
    }

    int size() {
        return tasks.size();
    }
}
