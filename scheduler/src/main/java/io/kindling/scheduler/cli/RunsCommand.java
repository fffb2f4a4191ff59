package io.kindling.scheduler.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import net.sourceforge.argparse4j.inf.Namespace;
import net.sourceforge.argparse4j.inf.Subparser;

/** {@code kindling runs [--pipeline P] [--state S] [--limit N]}: the run history, newest first. */
public class RunsCommand extends DaemonCommand {

    public RunsCommand() {
        super("runs", "List runs on a running daemon, newest first");
    }

    @Override
    void arguments(Subparser subparser) {
        subparser.addArgument("--pipeline").metavar("PIPELINE").help("only this pipeline's runs");
        subparser
                .addArgument("--state")
                .metavar("STATE")
                .help("only runs in this state: QUEUED, RUNNING, SUCCEEDED, FAILED or CANCELLED");
        subparser
                .addArgument("--limit")
                .type(Integer.class)
                .setDefault(20)
                .metavar("N")
                .help("at most N runs (1-500, default 20)");
    }

    @Override
    void run(DaemonClient daemon, Namespace ns, boolean asJson) throws Exception {
        List<String> query = new ArrayList<>();
        query.add("limit=" + ns.getInt("limit"));
        if (ns.getString("pipeline") != null) {
            query.add("pipeline=" + DaemonClient.segment(ns.getString("pipeline")));
        }
        if (ns.getString("state") != null) {
            query.add("state=" + DaemonClient.segment(ns.getString("state").toUpperCase(java.util.Locale.ROOT)));
        }
        JsonNode page = daemon.get("/runs?" + String.join("&", query));
        if (asJson) {
            printJson(page);
            return;
        }
        String format = "%-28s %-24s %-10s %-9s %-24s %s%n";
        System.out.printf(format, "RUN", "PIPELINE", "STATE", "TRIGGER", "LOGICAL TIME", "DURATION");
        for (JsonNode run : page.path("runs")) {
            System.out.printf(
                    format,
                    run.path("run_id").asText(),
                    run.path("pipeline").asText(),
                    run.path("state").asText(),
                    run.path("trigger").asText(),
                    run.path("logical_time").asText(),
                    run.hasNonNull("duration_ms")
                            ? String.format("%.1f s", run.get("duration_ms").asLong() / 1000.0)
                            : "-");
        }
    }
}
