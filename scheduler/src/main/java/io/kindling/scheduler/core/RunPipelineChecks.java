package io.kindling.scheduler.core;

import io.kindling.dsl.ParamSpec;
import io.kindling.dsl.ParseResult;
import io.kindling.dsl.Pipeline;
import io.kindling.dsl.Problem;
import io.kindling.dsl.Task;
import io.kindling.dsl.TaskBody;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * {@code run_pipeline:} tasks name pipelines of other files: a file whose task names a pipeline that is not loaded,
 * gives it params it does not take, closes a cycle of pipelines that run each other (which would never end), or nests
 * runs deeper than the limit is refused at that task (its last good version, if any, stays). A file alone cannot see
 * this; the registry and {@code validate} can.
 */
public final class RunPipelineChecks {
    private RunPipelineChecks() {}

    /**
     * {@code results} with each pipeline that has such a task turned into problems at the task's {@code pipeline}.
     *
     * @param maxDepth how many levels of runs a pipeline may start below itself ({@code runPipelineMaxDepth})
     */
    public static List<ParseResult> refuse(
            List<ParseResult> results, Map<String, Pipeline> loadedElsewhere, int maxDepth) {
        Map<String, Pipeline> known = new HashMap<>(loadedElsewhere);
        results.stream().flatMap(r -> r.pipeline().stream()).forEach(p -> known.put(p.id(), p));
        List<ParseResult> checked = new ArrayList<>(results.size());
        for (ParseResult result : results) {
            List<Problem> problems = new ArrayList<>();
            result.pipeline().ifPresent(p -> {
                for (TaskBody.RunPipeline run : runs(p)) {
                    problem(p, run, known, maxDepth)
                            .ifPresent(message ->
                                    problems.add(new Problem(result.file(), run.line(), run.column(), message)));
                }
            });
            checked.add(problems.isEmpty() ? result : new ParseResult(result.file(), Optional.empty(), problems));
        }
        return checked;
    }

    private static List<TaskBody.RunPipeline> runs(Pipeline pipeline) {
        return pipeline.tasks().stream()
                .map(Task::body)
                .filter(TaskBody.RunPipeline.class::isInstance)
                .map(TaskBody.RunPipeline.class::cast)
                .toList();
    }

    private static Optional<String> problem(
            Pipeline from, TaskBody.RunPipeline run, Map<String, Pipeline> known, int maxDepth) {
        Pipeline target = known.get(run.pipeline());
        if (target == null) {
            return Optional.of("run_pipeline.pipeline: no pipeline '" + run.pipeline() + "' is loaded (known: "
                    + new TreeSet<>(known.keySet()) + ")");
        }
        Optional<String> params = params(target, run);
        if (params.isPresent()) {
            return params;
        }
        List<String> chain = longestChain(run.pipeline(), new ArrayList<>(List.of(from.id())), known, maxDepth);
        if (chain.contains(from.id())) {
            return Optional.of("run_pipeline.pipeline: running '" + run.pipeline() + "' closes a cycle of pipelines"
                    + " that run each other (" + from.id() + " runs " + String.join(" runs ", chain) + ")");
        }
        if (chain.size() > maxDepth) {
            return Optional.of("run_pipeline.pipeline: running '" + run.pipeline() + "' nests " + chain.size()
                    + " levels of pipeline runs (" + from.id() + " runs " + String.join(" runs ", chain)
                    + "), more than the limit of " + maxDepth);
        }
        return Optional.empty();
    }

    /** Names given must be declared, literal values must fit, and params without a default must be given. */
    private static Optional<String> params(Pipeline target, TaskBody.RunPipeline run) {
        for (Map.Entry<String, String> given : run.params().entrySet()) {
            ParamSpec spec = target.params().get(given.getKey());
            if (spec == null) {
                return Optional.of("run_pipeline.params: pipeline '" + target.id() + "' has no param '"
                        + given.getKey() + "' (it declares "
                        + (target.params().isEmpty()
                                ? "none"
                                : new TreeSet<>(target.params().keySet())) + ")");
            }
            if (!given.getValue().contains("{{")) { // a template is checked when a run renders it
                try {
                    spec.check(given.getValue());
                } catch (IllegalArgumentException e) {
                    return Optional.of("run_pipeline.params." + given.getKey() + ": " + e.getMessage());
                }
            }
        }
        List<String> missing = target.params().values().stream()
                .filter(ParamSpec::required)
                .map(ParamSpec::name)
                .filter(name -> !run.params().containsKey(name))
                .toList();
        return missing.isEmpty()
                ? Optional.empty()
                : Optional.of("run_pipeline.params: pipeline '" + target.id() + "' needs a value for " + missing
                        + ": no default");
    }

    /**
     * The longest chain of pipelines {@code id} runs, itself first; it stops at a pipeline already on {@code above}
     * (a cycle, then the chain ends with that pipeline) or one that is not loaded.
     */
    private static List<String> longestChain(String id, List<String> above, Map<String, Pipeline> known, int maxDepth) {
        List<String> longest = new ArrayList<>(List.of(id));
        Pipeline pipeline = known.get(id);
        if (above.contains(id) || pipeline == null || above.size() > maxDepth + 1) {
            return longest;
        }
        above.add(id);
        Map<String, List<String>> below = new LinkedHashMap<>();
        for (TaskBody.RunPipeline run : runs(pipeline)) {
            below.computeIfAbsent(run.pipeline(), next -> longestChain(next, above, known, maxDepth));
        }
        above.remove(above.size() - 1);
        List<String> deepest = below.values().stream()
                .filter(chain -> chain.contains(above.get(0)))
                .findFirst()
                .orElseGet(() -> below.values().stream()
                        .max((a, b) -> Integer.compare(a.size(), b.size()))
                        .orElse(List.of()));
        longest.addAll(deepest);
        return longest;
    }
}
