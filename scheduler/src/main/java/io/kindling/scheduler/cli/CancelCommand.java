package io.kindling.scheduler.cli;

import com.fasterxml.jackson.databind.JsonNode;
import net.sourceforge.argparse4j.inf.Namespace;
import net.sourceforge.argparse4j.inf.Subparser;

/** {@code kindling cancel RUN}: stops what runs of the run and cancels what has not started. */
public class CancelCommand extends DaemonCommand {

    public CancelCommand() {
        super("cancel", "Cancel a run on a running daemon");
    }

    @Override
    void arguments(Subparser subparser) {
        subparser.addArgument("run").metavar("RUN").help("the run's id");
    }

    @Override
    void run(DaemonClient daemon, Namespace ns, boolean asJson) throws Exception {
        JsonNode run = daemon.post("/runs/" + DaemonClient.segment(ns.getString("run")) + "/cancel", null);
        if (asJson) {
            printJson(run);
        } else {
            System.out.println("run " + run.path("run_id").asText() + ": "
                    + run.path("state").asText());
        }
    }
}
