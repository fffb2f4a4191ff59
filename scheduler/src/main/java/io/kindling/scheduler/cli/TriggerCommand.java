package io.kindling.scheduler.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.sourceforge.argparse4j.impl.Arguments;
import net.sourceforge.argparse4j.inf.Namespace;
import net.sourceforge.argparse4j.inf.Subparser;

/**
 * {@code kindling trigger PIPELINE [--param k=v]... [--wait]}: a manual run on a running daemon. With {@code --wait}
 * it prints each task's progress and its exit status is the run's outcome: 0 succeeded, 1 failed, 2 cancelled.
 */
public class TriggerCommand extends DaemonCommand {
    static final int CANCELLED_STATUS = 2;

    public TriggerCommand() {
        super("trigger", "Start a run of a pipeline on a running daemon (--wait: follow it, exit with its outcome)");
    }

    @Override
    void arguments(Subparser subparser) {
        subparser.addArgument("pipeline").metavar("PIPELINE").help("the pipeline's id");
        subparser
                .addArgument("--param")
                .metavar("KEY=VALUE")
                .action(Arguments.append())
                .help("override a declared parameter (repeatable); the daemon checks it against its type");
        subparser
                .addArgument("--wait")
                .action(Arguments.storeTrue())
                .help("follow the run until it ends; exit 0 if it succeeded, 1 if it failed, 2 if cancelled");
        // tests poll fast; people have no reason to change it
        subparser
                .addArgument("--poll-interval")
                .type(Integer.class)
                .setDefault(500)
                .help(Arguments.SUPPRESS);
    }

    @Override
    void run(DaemonClient daemon, Namespace ns, boolean asJson) throws Exception {
        String pipeline = ns.getString("pipeline");
        Map<String, Object> body = Map.of("params", params(ns.getList("param")));
        JsonNode run = daemon.post("/pipelines/" + DaemonClient.segment(pipeline) + "/runs", body);
        String runId = run.path("run_id").asText();
        if (!ns.getBoolean("wait")) {
            if (asJson) {
                printJson(run);
            } else {
                System.out.println("run " + runId + " of " + pipeline + ": "
                        + run.path("state").asText() + " (logical time "
                        + run.path("logical_time").asText() + ")");
            }
            return;
        }
        if (!asJson) {
            System.out.println("run " + runId + " of " + pipeline + " (logical time "
                    + run.path("logical_time").asText() + ")");
        }
        JsonNode end = follow(daemon, runId, ns.getInt("poll_interval"), asJson);
        String state = end.path("state").asText();
        if (asJson) {
            printJson(end);
        } else {
            System.out.println("run " + runId + " " + state + duration(end));
        }
        switch (state) {
            case "SUCCEEDED" -> {}
            case "CANCELLED" -> throw new CommandFailedException("run " + runId + " was cancelled", CANCELLED_STATUS);
            default ->
                throw new CommandFailedException("run " + runId + " " + state
                        + (end.hasNonNull("error") ? ": " + end.get("error").asText() : ""));
        }
    }

    /** Polls the run, printing a line whenever a task's state changes, until the run has ended. */
    private static JsonNode follow(DaemonClient daemon, String runId, int pollMillis, boolean quiet)
            throws InterruptedException {
        Map<String, String> seen = new HashMap<>();
        while (true) {
            JsonNode run = daemon.get("/runs/" + DaemonClient.segment(runId));
            for (JsonNode task : run.path("tasks")) {
                String id = task.path("task_id").asText();
                String line = task.path("state").asText() + attemptSuffix(task);
                if (!line.equals(seen.put(id, line)) && !quiet) {
                    System.out.println("  " + id + ": " + line
                            + (task.hasNonNull("error")
                                    ? " (" + task.get("error").asText() + ")"
                                    : ""));
                }
            }
            String state = run.path("state").asText();
            if (!state.equals("QUEUED") && !state.equals("RUNNING")) {
                return run;
            }
            Thread.sleep(pollMillis);
        }
    }

    private static String attemptSuffix(JsonNode task) {
        int attempts = task.path("attempt_count").asInt();
        return attempts > 1 ? " (attempt " + attempts + ")" : "";
    }

    private static String duration(JsonNode run) {
        return run.hasNonNull("duration_ms")
                ? String.format(" in %.1f s", run.get("duration_ms").asLong() / 1000.0)
                : "";
    }

    static Map<String, Object> params(List<String> pairs) {
        Map<String, Object> params = new LinkedHashMap<>();
        if (pairs != null) {
            for (String pair : pairs) {
                int eq = pair.indexOf('=');
                if (eq <= 0) {
                    throw new CommandFailedException("--param: expected KEY=VALUE, got '" + pair + "'");
                }
                params.put(pair.substring(0, eq), pair.substring(eq + 1));
            }
        }
        return params;
    }
}
