package io.kindling.scheduler.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;
import net.sourceforge.argparse4j.impl.Arguments;
import net.sourceforge.argparse4j.inf.Namespace;
import net.sourceforge.argparse4j.inf.Subparser;

/**
 * {@code kindling logs RUN TASK [--attempt N] [-f]}: an attempt's log (the latest unless {@code --attempt}); with
 * {@code -f} it prints what the attempt appends until the attempt has ended, reading only the new bytes each time.
 */
public class LogsCommand extends DaemonCommand {
    private static final String LOG_SIZE = "X-Kindling-Log-Size";

    public LogsCommand() {
        super("logs", "Print a task attempt's log from a running daemon (-f: follow it until the attempt ends)");
    }

    @Override
    void arguments(Subparser subparser) {
        subparser.addArgument("run").metavar("RUN").help("the run's id");
        subparser.addArgument("task").metavar("TASK").help("the task's id");
        subparser.addArgument("--attempt").type(Integer.class).metavar("N").help("attempt N (default: the latest)");
        subparser
                .addArgument("-f", "--follow")
                .dest("follow")
                .action(Arguments.storeTrue())
                .help("keep printing what the attempt appends until it ends");
        subparser
                .addArgument("--poll-interval")
                .type(Integer.class)
                .setDefault(500)
                .help(Arguments.SUPPRESS);
    }

    @Override
    void run(DaemonClient daemon, Namespace ns, boolean asJson) throws Exception {
        String runId = ns.getString("run");
        String taskId = ns.getString("task");
        String base = "/runs/" + DaemonClient.segment(runId);
        String logPath = base + "/tasks/" + DaemonClient.segment(taskId) + "/log";
        // follow one attempt: the one asked for, or the latest there is now
        int attempt = ns.getInt("attempt") != null ? ns.getInt("attempt") : latestAttempt(daemon.get(base), taskId);
        long offset = 0;
        while (true) {
            // whether it had ended is read before the log, so the last read sees every byte it wrote
            boolean ended = !ns.getBoolean("follow") || attemptEnded(daemon.get(base), taskId, attempt);
            DaemonClient.Text text = daemon.getText(logPath + "?attempt=" + attempt + "&offset=" + offset);
            long size = text.header(LOG_SIZE)
                    .map(Long::parseLong)
                    .orElse(offset + text.body().length());
            if (!text.body().isEmpty() || (asJson && !ns.getBoolean("follow"))) {
                print(runId, taskId, attempt, offset, text.body(), asJson);
            }
            offset = Math.max(offset, size);
            if (ended) {
                return;
            }
            Thread.sleep(ns.getInt("poll_interval"));
        }
    }

    private void print(String runId, String taskId, int attempt, long offset, String log, boolean asJson)
            throws Exception {
        if (!asJson) {
            System.out.print(log);
            System.out.flush();
            return;
        }
        ObjectNode chunk = JsonNodeFactory.instance.objectNode();
        chunk.put("run_id", runId)
                .put("task_id", taskId)
                .put("attempt", attempt)
                .put("offset", offset)
                .put("log", log);
        printJson(chunk);
    }

    private static int latestAttempt(JsonNode run, String taskId) {
        return task(run, taskId)
                .flatMap(t -> {
                    int latest = 0;
                    for (JsonNode a : t.path("attempts")) {
                        latest = Math.max(latest, a.path("attempt").asInt());
                    }
                    return latest == 0 ? Optional.empty() : Optional.of(latest);
                })
                .orElseThrow(() -> new CommandFailedException(
                        "task '" + taskId + "' of run '" + run.path("run_id").asText() + "' has no attempts yet"));
    }

    private static boolean attemptEnded(JsonNode run, String taskId, int attempt) {
        return task(run, taskId)
                .map(t -> {
                    for (JsonNode a : t.path("attempts")) {
                        if (a.path("attempt").asInt() == attempt) {
                            return a.hasNonNull("ended_at");
                        }
                    }
                    return true; // no such attempt: nothing will be appended
                })
                .orElse(true);
    }

    private static Optional<JsonNode> task(JsonNode run, String taskId) {
        for (JsonNode t : run.path("tasks")) {
            if (t.path("task_id").asText().equals(taskId)) {
                return Optional.of(t);
            }
        }
        throw new CommandFailedException("run '" + run.path("run_id").asText() + "' has no task '" + taskId + "'");
    }
}
