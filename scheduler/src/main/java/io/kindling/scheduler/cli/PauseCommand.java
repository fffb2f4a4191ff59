package io.kindling.scheduler.cli;

import com.fasterxml.jackson.databind.JsonNode;
import net.sourceforge.argparse4j.inf.Namespace;
import net.sourceforge.argparse4j.inf.Subparser;

/** {@code kindling pause PIPELINE} and {@code kindling resume PIPELINE}: the pipeline's schedule off or on. */
public class PauseCommand extends DaemonCommand {
    private final boolean pause;

    private PauseCommand(boolean pause) {
        super(
                pause ? "pause" : "resume",
                pause
                        ? "Pause a pipeline's schedule on a running daemon"
                        : "Resume a pipeline's schedule on a running daemon (catching up as its catchup setting says)");
        this.pause = pause;
    }

    public static PauseCommand pause() {
        return new PauseCommand(true);
    }

    public static PauseCommand resume() {
        return new PauseCommand(false);
    }

    @Override
    void arguments(Subparser subparser) {
        subparser.addArgument("pipeline").metavar("PIPELINE").help("the pipeline's id");
    }

    @Override
    void run(DaemonClient daemon, Namespace ns, boolean asJson) throws Exception {
        JsonNode pipeline = daemon.post(
                "/pipelines/" + DaemonClient.segment(ns.getString("pipeline")) + (pause ? "/pause" : "/resume"), null);
        if (asJson) {
            printJson(pipeline);
        } else {
            System.out.println(pipeline.path("id").asText(ns.getString("pipeline")) + ": "
                    + (pipeline.path("paused").asBoolean() ? "paused" : "running on its schedule"));
        }
    }
}
