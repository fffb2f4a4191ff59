package io.kindling.scheduler.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.dropwizard.core.setup.Bootstrap;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import net.sourceforge.argparse4j.impl.Arguments;
import net.sourceforge.argparse4j.inf.Namespace;
import net.sourceforge.argparse4j.inf.Subparser;

/**
 * {@code kindling backfill PIPELINE --from DATE --to DATE}: asks a running daemon for a backfill (or, with
 * {@code --dry-run}, for its plan) and follows it until every run has finished. Exit status 0 only if every run
 * succeeded. The daemon does the work; this only calls {@code POST /pipelines/{id}/backfill} and polls
 * {@code GET /backfills/{id}}, so stopping the command does not stop the backfill.
 */
public class BackfillCommand extends QuietCommand {
    public BackfillCommand() {
        super("backfill", "Run a pipeline for each of its scheduled times in a range, on a running daemon");
    }

    @Override
    public void configure(Subparser subparser) {
        subparser.addArgument("pipeline").metavar("PIPELINE").help("the pipeline's id");
        subparser
                .addArgument("--from")
                .required(true)
                .metavar("DATE")
                .help("first day (2026-10-01, in the schedule's zone) or instant (2026-10-01T06:00:00Z), included");
        subparser.addArgument("--to").required(true).metavar("DATE").help("last day or instant, included");
        subparser
                .addArgument("--max-active-runs")
                .type(Integer.class)
                .metavar("N")
                .help("runs of this backfill at once (default: the pipeline's max_active_runs)");
        subparser
                .addArgument("--dry-run")
                .action(Arguments.storeTrue())
                .help("only print the logical times that would run; create nothing");
        DaemonCommand.addUrlArgument(subparser);
        // tests poll fast; people have no reason to change it
        subparser
                .addArgument("--poll-interval")
                .type(Integer.class)
                .setDefault(1000)
                .help(Arguments.SUPPRESS);
    }

    @Override
    public void run(Bootstrap<?> bootstrap, Namespace ns) throws Exception {
        DaemonClient daemon = new DaemonClient(DaemonCommand.profile(ns), bootstrap.getObjectMapper());
        String pipeline = ns.getString("pipeline");
        boolean dryRun = ns.getBoolean("dry_run");

        Map<String, Object> body = new LinkedHashMap<>();
        body.put("from", ns.getString("from"));
        body.put("to", ns.getString("to"));
        if (ns.getInt("max_active_runs") != null) {
            body.put("max_active_runs", ns.getInt("max_active_runs"));
        }
        body.put("dry_run", dryRun);
        JsonNode plan = daemon.post("/pipelines/" + DaemonClient.segment(pipeline) + "/backfill", body);

        int times = plan.path("logical_times").size();
        int skipped = plan.path("skipped").size();
        if (dryRun) {
            plan.path("logical_times").forEach(t -> System.out.println("would run  " + t.asText()));
            for (JsonNode run : plan.path("skipped")) {
                System.out.println("skipped    " + run.path("logical_time").asText() + "  has run "
                        + run.path("run_id").asText() + " ("
                        + run.path("trigger").asText() + ", "
                        + run.path("state").asText() + ")");
            }
            System.out.println(count(times, "run") + " would be created, " + count(skipped, "time")
                    + (skipped == 1 ? " already has" : " already have") + " a run");
            return;
        }
        if (!plan.hasNonNull("backfill_id")) {
            String range = " between " + plan.path("from").asText() + " and "
                    + plan.path("to").asText();
            System.out.println("nothing to backfill: "
                    + (skipped == 0
                            ? "no scheduled times" + range
                            : "every scheduled time" + range + " already has a run (" + skipped + ")"));
            return;
        }

        String id = plan.get("backfill_id").asText();
        System.out.println("backfill " + id + ": " + count(plan.path("runs").asInt(), "run") + " of " + pipeline
                + " from " + plan.path("from").asText() + " to "
                + plan.path("to").asText() + ", at most "
                + plan.path("max_active_runs").asInt() + " at once"
                + (skipped == 0 ? "" : " (" + count(skipped, "time") + " already had a run)"));
        System.out.println("(stopping this command does not stop the backfill)");
        JsonNode end = follow(daemon, id, ns.getInt("poll_interval"));

        int total = end.path("runs").asInt();
        int succeeded = end.path("states").path("SUCCEEDED").asInt();
        if (succeeded != total) {
            List<String> others = new ArrayList<>();
            end.path("states").fields().forEachRemaining(e -> {
                if (!e.getKey().equals("SUCCEEDED") && e.getValue().asInt() > 0) {
                    others.add(e.getValue().asInt() + " " + e.getKey().toLowerCase(Locale.ROOT));
                }
            });
            throw new CommandFailedException("backfill " + id + " did not succeed: " + String.join(", ", others)
                    + " (of " + count(total, "run") + ")");
        }
        System.out.println("backfill " + id + ": all " + count(total, "run") + " succeeded");
    }

    /** Polls until every run has finished, printing a line whenever the counts change. */
    private static JsonNode follow(DaemonClient daemon, String id, int pollMillis) throws InterruptedException {
        String last = null;
        while (true) {
            JsonNode progress = daemon.get("/backfills/" + id);
            String line = progressLine(id, progress);
            if (!line.equals(last)) {
                System.out.println(line);
                last = line;
            }
            if (progress.path("done").asBoolean()) {
                return progress;
            }
            Thread.sleep(pollMillis);
        }
    }

    private static String progressLine(String id, JsonNode progress) {
        JsonNode states = progress.path("states");
        int succeeded = states.path("SUCCEEDED").asInt();
        int failed = states.path("FAILED").asInt();
        int cancelled = states.path("CANCELLED").asInt();
        int finished = succeeded + failed + cancelled;
        List<String> how = new ArrayList<>();
        if (succeeded > 0) {
            how.add(succeeded + " succeeded");
        }
        if (failed > 0) {
            how.add(failed + " failed");
        }
        if (cancelled > 0) {
            how.add(cancelled + " cancelled");
        }
        return "backfill " + id + ": " + finished + "/" + progress.path("runs").asInt() + " done"
                + (how.isEmpty() ? "" : " (" + String.join(", ", how) + ")") + ", "
                + states.path("RUNNING").asInt() + " running, "
                + states.path("QUEUED").asInt() + " queued";
    }

    private static String count(int n, String thing) {
        return n + " " + thing + (n == 1 ? "" : "s");
    }
}
