package io.kindling.scheduler.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;
import net.sourceforge.argparse4j.inf.Namespace;
import net.sourceforge.argparse4j.inf.Subparser;

/**
 * {@code kindling mute PIPELINE (--for 2h | --until TIME) [--reason TEXT]} and {@code kindling unmute PIPELINE}: a
 * pipeline's alerts off until a time, or on again. Runs are not affected.
 */
public class MuteCommand extends DaemonCommand {
    private final boolean mute;

    private MuteCommand(boolean mute) {
        super(
                mute ? "mute" : "unmute",
                mute
                        ? "Mute a pipeline's alerts until a time on a running daemon (its runs go on)"
                        : "End a pipeline's alert mute on a running daemon");
        this.mute = mute;
    }

    public static MuteCommand mute() {
        return new MuteCommand(true);
    }

    public static MuteCommand unmute() {
        return new MuteCommand(false);
    }

    @Override
    void arguments(Subparser subparser) {
        subparser.addArgument("pipeline").metavar("PIPELINE").help("the pipeline's id");
        if (mute) {
            var when = subparser.addMutuallyExclusiveGroup().required(true);
            when.addArgument("--for").dest("for").metavar("DURATION").help("how long, e.g. 30m, 2h, 1d");
            when.addArgument("--until")
                    .metavar("TIME")
                    .help("when it ends, with an offset: 2026-12-05T08:00:00+01:00 or ...Z");
            subparser.addArgument("--reason").metavar("TEXT").help("why, for the audit log");
        }
    }

    @Override
    void run(DaemonClient daemon, Namespace ns, boolean asJson) throws Exception {
        String path = "/pipelines/" + DaemonClient.segment(ns.getString("pipeline")) + (mute ? "/mute" : "/unmute");
        Map<String, String> body = new LinkedHashMap<>();
        if (mute) {
            putIfSet(body, "for", ns.getString("for"));
            putIfSet(body, "until", ns.getString("until"));
            putIfSet(body, "reason", ns.getString("reason"));
        }
        JsonNode view = daemon.post(path, mute ? body : null);
        if (asJson) {
            printJson(view);
        } else {
            System.out.println(view.path("pipeline").asText(ns.getString("pipeline")) + ": "
                    + (view.path("muted").asBoolean()
                            ? "alerts muted until " + view.path("muted_until").asText()
                            : "alerts on"));
        }
    }

    private static void putIfSet(Map<String, String> body, String key, String value) {
        if (value != null) {
            body.put(key, value);
        }
    }
}
