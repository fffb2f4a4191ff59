package io.kindling.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kindling.bench.peers.Peer;
import io.kindling.bench.peers.PeerWorkloads;
import io.kindling.scheduler.support.DaemonProcess;
import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Kindling in the side-by-side workloads: the daemon as its own process ({@code KindlingApplication server}, as
 * {@code bin/kindling server} starts it, without the class-data sharing archive), a SQLite history, the pipelines in
 * a watched folder, every task on the bench's {@code noop} executor (8 slots).
 */
final class KindlingPeer implements Peer {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path dir;
    private final Path pipelines;
    private PeerWorkloads.Sizes sizes;
    private Daemon daemon;

    KindlingPeer(Path dir) {
        this.dir = dir;
        this.pipelines = dir.resolve("pipelines");
    }

    @Override
    public String name() {
        return Metric.KINDLING;
    }

    @Override
    public String label() {
        return "Kindling";
    }

    @Override
    public String install() {
        return "this checkout's build (the bench's class path)";
    }

    @Override
    public String how() {
        return "KindlingApplication server (the daemon's JVM flags, no class-data sharing archive), SQLite history,"
                + " noop executor with 8 slots; ready = GET /api/v1/pipelines lists every pipeline";
    }

    @Override
    public void deploy(PeerWorkloads.Sizes s) throws IOException {
        this.sizes = s;
        Files.createDirectories(pipelines);
        StringBuilder chain = new StringBuilder("pipeline: " + CHAIN + "\ntasks:\n");
        for (int i = 0; i < s.chain(); i++) {
            chain.append("  - id: t%02d\n    sql: SELECT 1\n".formatted(i));
            if (i > 0) {
                chain.append("    depends_on: [t%02d]\n".formatted(i - 1));
            }
        }
        Files.writeString(pipelines.resolve(CHAIN + ".yml"), chain);
        StringBuilder wide = new StringBuilder("pipeline: " + WIDE + "\ntasks:\n");
        List<String> all = new ArrayList<>();
        for (int i = 0; i < s.wide(); i++) {
            wide.append("  - id: t%03d\n    sql: SELECT 1\n".formatted(i));
            all.add("t%03d".formatted(i));
        }
        wide.append("  - id: end\n    sql: SELECT 1\n    depends_on: [" + String.join(", ", all) + "]\n");
        Files.writeString(pipelines.resolve(WIDE + ".yml"), wide);
        Files.writeString(
                pipelines.resolve(ONE + ".yml"), "pipeline: " + ONE + "\ntasks:\n  - id: t\n    sql: SELECT 1\n");
        writeCrons("0 0 1 1 *");
    }

    private void writeCrons(String cron) throws IOException {
        for (int i = 0; i < sizes.crons(); i++) {
            Files.writeString(
                    pipelines.resolve(Peer.cron(i) + ".yml"),
                    "pipeline: %s\nschedule: {cron: \"%s\"}\ntasks:\n  - id: t\n    sql: SELECT 1\n"
                            .formatted(Peer.cron(i), cron));
        }
    }

    @Override
    public void start() throws Exception {
        int[] ports = DaemonProcess.freePorts(2);
        String executors = "  noop:\n    type: noop\n    slots: 8";
        Path yml = Daemon.writeConfig(
                dir, EngineHarness.sqliteUrl(dir, "history"), pipelines, "noop", executors, ports[0], ports[1]);
        daemon = Daemon.start(yml, ports[0], dir.resolve("daemon.log"));
        int expected = 3 + sizes.crons();
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (pipelines().size() < expected) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the daemon did not list " + expected + " pipelines within 60 s");
            }
            Thread.sleep(10);
        }
    }

    private Map<String, JsonNode> pipelines() throws IOException, InterruptedException {
        Map<String, JsonNode> byId = new HashMap<>();
        for (JsonNode p : body(daemon.get("/pipelines")).path("pipelines")) {
            byId.put(p.path("id").asText(p.path("pipeline").asText()), p);
        }
        return byId;
    }

    private static JsonNode body(HttpResponse<String> r) throws IOException {
        if (r.statusCode() / 100 != 2) {
            throw new IOException("the daemon answered " + r.statusCode() + ": " + r.body());
        }
        return JSON.readTree(r.body());
    }

    @Override
    public List<ProcessHandle> processes() {
        List<ProcessHandle> all = new ArrayList<>();
        all.add(daemon.handle());
        daemon.handle().descendants().forEach(all::add);
        return all;
    }

    @Override
    public String trigger(String pipeline) throws Exception {
        return body(daemon.post("/pipelines/" + pipeline + "/runs", "{}"))
                .get("run_id")
                .asText();
    }

    @Override
    public Map<String, RunTimes> ended(String pipeline, Collection<String> runIds) throws Exception {
        Set<String> wanted = new HashSet<>(runIds);
        Map<String, RunTimes> ended = new HashMap<>();
        for (JsonNode r : runs(pipeline, "")) {
            String id = r.path("run_id").asText();
            String state = r.path("state").asText();
            if (wanted.contains(id) && r.hasNonNull("ended_at")) {
                ended.put(
                        id,
                        new RunTimes(
                                state, state.equals("SUCCEEDED"), instant(r, "started_at"), instant(r, "ended_at")));
            }
        }
        return ended;
    }

    /** Every run of the pipeline (newest first, pages of 500). */
    private List<JsonNode> runs(String pipeline, String filter) throws Exception {
        List<JsonNode> all = new ArrayList<>();
        String before = null;
        do {
            JsonNode page = body(daemon.get("/runs?pipeline=" + pipeline + filter + "&limit=500"
                    + (before == null ? "" : "&before=" + URLEncoder.encode(before, StandardCharsets.UTF_8))));
            page.path("runs").forEach(all::add);
            before = page.hasNonNull("next") ? page.get("next").asText() : null;
        } while (before != null);
        return all;
    }

    @Override
    public List<TaskTimes> tasks(String pipeline, String runId) throws Exception {
        List<TaskTimes> tasks = new ArrayList<>();
        for (JsonNode t : body(daemon.get("/runs/" + runId)).path("tasks")) {
            tasks.add(new TaskTimes(t.path("task_id").asText(), instant(t, "started_at"), instant(t, "ended_at")));
        }
        return tasks;
    }

    @Override
    public void cancel(String pipeline, Collection<String> runIds) throws Exception {
        for (String id : runIds) {
            body(daemon.post("/runs/" + id + "/cancel", "{}"));
        }
    }

    @Override
    public void enableSchedules() throws Exception {
        Map<String, String> versions = new HashMap<>();
        pipelines().forEach((id, p) -> versions.put(id, p.path("version").asText()));
        writeCrons(sizes.cronPeriodSeconds() == 60 ? "* * * * *" : "*/" + sizes.cronPeriodSeconds() + " * * * * ?");
        // the folder is scanned every second: wait until every cron pipeline runs its new version
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (true) {
            Map<String, JsonNode> now = pipelines();
            if (Stream.iterate(0, i -> i < sizes.crons(), i -> i + 1)
                    .map(Peer::cron)
                    .allMatch(c -> now.containsKey(c)
                            && !now.get(c).path("version").asText().equals(versions.get(c)))) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the daemon did not load the new schedules within 30 s");
            }
            Thread.sleep(10);
        }
    }

    @Override
    public List<Fire> fires(Instant from) throws Exception {
        List<Fire> fires = new ArrayList<>();
        for (int i = 0; i < sizes.crons(); i++) {
            for (JsonNode r : runs(Peer.cron(i), "&trigger=schedule")) {
                Instant scheduled = Instant.parse(r.path("logical_time").asText());
                if (!scheduled.isBefore(from)) {
                    fires.add(new Fire(
                            Peer.cron(i), scheduled, r.hasNonNull("started_at") ? instant(r, "started_at") : null));
                }
            }
        }
        return fires;
    }

    private static Instant instant(JsonNode n, String field) {
        return Instant.parse(n.path(field).asText());
    }

    @Override
    public void close() {
        if (daemon != null) {
            try {
                daemon.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
