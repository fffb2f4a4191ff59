package io.kindling.scheduler.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dropwizard.core.setup.Bootstrap;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
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
    static final String URL_ENV = Profile.URL_ENV;
    static final String DEFAULT_URL = Profile.DEFAULT_URL;

    public BackfillCommand() {
        super("backfill", "Run a pipeline for each of its scheduled times in a range, on a running daemon");
    }

    @Override
    public void configure(Subparser subparser) {
        subparser.addArgument("pipeline").metavar("PIPELINE").help("the pipeline's id");
        subparser.addArgument("--from").required(true).metavar("DATE")
                .help("first day (2026-10-01, in the schedule's zone) or instant (2026-10-01T06:00:00Z), included");
        subparser.addArgument("--to").required(true).metavar("DATE").help("last day or instant, included");
        subparser.addArgument("--max-active-runs").type(Integer.class).metavar("N")
                .help("runs of this backfill at once (default: the pipeline's max_active_runs)");
        subparser.addArgument("--dry-run").action(Arguments.storeTrue())
                .help("only print the logical times that would run; create nothing");
        // argparse4j prints the default it ends up with; the help says where it comes from
        subparser.addArgument("--url")
                .help("the daemon's API: $" + URL_ENV + " if set, else the profile's url, else " + DEFAULT_URL);
        subparser.addArgument("--token").metavar("TOKEN")
                .help("an API token (operator or admin): $" + Profile.TOKEN_ENV + " if set, else the profile's "
                        + "token (~/.config/kindling/profile, or $" + Profile.PROFILE_ENV + ")");
        // tests poll fast; people have no reason to change it
        subparser.addArgument("--poll-interval").type(Integer.class).setDefault(1000).help(Arguments.SUPPRESS);
    }

    @Override
    public void run(Bootstrap<?> bootstrap, Namespace ns) throws Exception {
        Profile profile = Profile.resolve(ns.getString("url"), ns.getString("token"), System.getenv());
        Daemon daemon = new Daemon(profile, bootstrap.getObjectMapper());
        String pipeline = ns.getString("pipeline");
        boolean dryRun = ns.getBoolean("dry_run");

        Map<String, Object> body = new LinkedHashMap<>();
        body.put("from", ns.getString("from"));
        body.put("to", ns.getString("to"));
        if (ns.getInt("max_active_runs") != null) {
            body.put("max_active_runs", ns.getInt("max_active_runs"));
        }
        body.put("dry_run", dryRun);
        String path = "/pipelines/" + URLEncoder.encode(pipeline, StandardCharsets.UTF_8).replace("+", "%20");
        JsonNode plan = daemon.call(path + "/backfill", body);

        int times = plan.path("logical_times").size();
        int skipped = plan.path("skipped").size();
        if (dryRun) {
            plan.path("logical_times").forEach(t -> System.out.println("would run  " + t.asText()));
            for (JsonNode run : plan.path("skipped")) {
                System.out.println("skipped    " + run.path("logical_time").asText() + "  has run "
                        + run.path("run_id").asText() + " (" + run.path("trigger").asText() + ", "
                        + run.path("state").asText() + ")");
            }
            System.out.println(count(times, "run") + " would be created, " + count(skipped, "time")
                    + (skipped == 1 ? " already has" : " already have") + " a run");
            return;
        }
        if (!plan.hasNonNull("backfill_id")) {
            String range = " between " + plan.path("from").asText() + " and " + plan.path("to").asText();
            System.out.println("nothing to backfill: " + (skipped == 0 ? "no scheduled times" + range
                    : "every scheduled time" + range + " already has a run (" + skipped + ")"));
            return;
        }

        String id = plan.get("backfill_id").asText();
        System.out.println("backfill " + id + ": " + count(plan.path("runs").asInt(), "run") + " of " + pipeline
                + " from " + plan.path("from").asText() + " to " + plan.path("to").asText() + ", at most "
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
    private static JsonNode follow(Daemon daemon, String id, int pollMillis) throws InterruptedException {
        String last = null;
        while (true) {
            JsonNode progress = daemon.call("/backfills/" + id, null);
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
                + states.path("RUNNING").asInt() + " running, " + states.path("QUEUED").asInt() + " queued";
    }

    /** The daemon's JSON API over the JDK's HTTP client. */
    private static final class Daemon {
        private final String baseUrl;
        private final java.util.Optional<String> token;
        private final ObjectMapper json;
        private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

        Daemon(Profile profile, ObjectMapper json) {
            this.baseUrl = baseUrl(profile.url());
            this.token = profile.token();
            this.json = json;
        }

        /** GET {@code path}, or POST {@code body} to it; an error answer or no answer ends the command. */
        private JsonNode call(String path, Object body) throws InterruptedException {
            String url = baseUrl + "/api/v1" + path;
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
                    // generous: a large backfill's POST writes thousands of rows before it answers
                    .timeout(Duration.ofSeconds(60))
                    .header("Accept", "application/json");
            token.ifPresent(t -> request.header("Authorization", "Bearer " + t));
            try {
                if (body != null) {
                    request.header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body)));
                }
                HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
                JsonNode answer = parse(response.body());
                if (response.statusCode() == 401) {
                    throw new CommandFailedException("the daemon at " + baseUrl + " wants a token: pass --token, set "
                            + Profile.TOKEN_ENV + ", or put token=... in ~/.config/kindling/profile (docs/auth.md)");
                }
                if (response.statusCode() >= 400) {
                    // the daemon's errors are {"code", "message"}; a bare "Not Found" means no such route, so
                    // probably not the daemon's API port
                    String message = answer == null ? "" : answer.path("message").asText("");
                    throw new CommandFailedException(message.isBlank() || message.matches("(HTTP \\d+ )?Not Found")
                            ? "HTTP " + response.statusCode() + " from " + url + " (is that the Kindling daemon?)"
                            : message);
                }
                if (answer == null) {
                    throw new CommandFailedException("not a JSON answer from " + url
                            + " (is that the Kindling daemon?)");
                }
                return answer;
            } catch (IOException e) {
                throw new CommandFailedException("cannot reach the Kindling daemon at " + baseUrl + ": " + reason(e));
            }
        }

        private JsonNode parse(String text) {
            try {
                return json.readTree(text);
            } catch (JsonProcessingException notJson) {
                return null;
            }
        }

        private static String baseUrl(String text) {
            String url = text.strip().replaceAll("/+$", "");
            try {
                URI uri = URI.create(url);
                if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null) {
                    return url;
                }
            } catch (IllegalArgumentException invalid) {
                // the message below says what is expected
            }
            throw new CommandFailedException("--url: expected the daemon's address like " + DEFAULT_URL + ", got '"
                    + text + "'");
        }

        /** The JDK's connection errors often carry their message on a cause, or none at all. */
        private static String reason(Throwable e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof java.nio.channels.UnresolvedAddressException) {
                    return "unknown host";
                }
                if (t.getMessage() != null && !t.getMessage().isBlank()) {
                    return t.getMessage();
                }
            }
            // Java 17's HttpClient reports a refused connection as a ConnectException without any message
            return e instanceof java.net.ConnectException ? "connection refused" : e.getClass().getSimpleName();
        }
    }

    private static String count(int n, String thing) {
        return n + " " + thing + (n == 1 ? "" : "s");
    }
}
