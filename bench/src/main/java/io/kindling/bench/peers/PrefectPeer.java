package io.kindling.bench.peers;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Prefect 3.9.1: {@code prefect server start} (its default SQLite database in PREFECT_HOME) and one long-running
 * {@code prefect.serve(...)} process with every deployment of peers/prefect/serve_workloads.py; runs created and
 * read through the server's REST API.
 */
final class PrefectPeer extends PythonPeer {
    static final String VERSION = "3.9.1";
    private static final int PORT = 24200;
    private final Http api = new Http("http://127.0.0.1:" + PORT + "/api");
    private final Map<String, String> deployments = new HashMap<>();
    private Map<String, String> env;
    private Path deploy;

    PrefectPeer(Path peersDir) {
        super(peersDir);
    }

    @Override
    public String name() {
        return "prefect";
    }

    @Override
    public String label() {
        return "Prefect " + VERSION;
    }

    @Override
    List<String> requirements() {
        return List.of("prefect==" + VERSION);
    }

    @Override
    String distribution() {
        return "prefect";
    }

    @Override
    String version() {
        return VERSION;
    }

    @Override
    List<String> files() {
        return List.of("serve_workloads.py");
    }

    @Override
    public String how() {
        return "prefect server start (SQLite, analytics off) + one process running prefect.serve(...) of every"
                + " deployment (default poll every 10 s; each flow run in a subprocess; tasks run inside the flow's"
                + " process, so a hop is an in-process call); ready = /api/health answers and every deployment is"
                + " registered; run start = flow_run.start_time, fire = expected_start_time; triggers sent again after"
                + " a 503 (database locked): " + api.retried.get();
    }

    @Override
    public void deploy(PeerWorkloads.Sizes s) throws Exception {
        deploy = freshDeploy(s);
        env = new LinkedHashMap<>();
        env.put("PREFECT_HOME", home.resolve("state").toString());
        env.put("PREFECT_SERVER_ANALYTICS_ENABLED", "false");
        env.put("PREFECT_API_URL", "http://127.0.0.1:" + PORT + "/api");
        env.put("DO_NOT_TRACK", "1");
    }

    @Override
    public void start() throws Exception {
        processes.start(
                "server",
                List.of(bin("prefect"), "server", "start", "--host", "127.0.0.1", "--port", Integer.toString(PORT)),
                env,
                deploy);
        // the serving process exits if it starts before the server answers
        await("Prefect server health", 600, () -> api.status("/health") == 200);
        processes.start("serve", List.of(bin("python"), "serve_workloads.py"), env, deploy);
        int expected = 3 + sizes.crons();
        await("every deployment", 600, () -> {
            deployments.clear();
            for (int offset = 0; ; offset += 200) {
                JsonNode page = api.post("/deployments/filter", Http.map("limit", 200, "offset", offset));
                page.forEach(d ->
                        deployments.put(d.path("name").asText(), d.path("id").asText()));
                if (page.size() < 200) {
                    break;
                }
            }
            return deployments.size() >= expected;
        });
    }

    @Override
    public String trigger(String pipeline) throws Exception {
        return api.post("/deployments/" + deployments.get(pipeline) + "/create_flow_run", "{}")
                .path("id")
                .asText();
    }

    @Override
    public Map<String, RunTimes> ended(String pipeline, Collection<String> runIds) throws Exception {
        Map<String, RunTimes> ended = new HashMap<>();
        List<String> ids = new ArrayList<>(runIds);
        for (int i = 0; i < ids.size(); i += 200) {
            ended.putAll(parseRuns(api.post(
                    "/flow_runs/filter",
                    Http.map(
                            "flow_runs",
                            Http.map("id", Http.map("any_", ids.subList(i, Math.min(ids.size(), i + 200)))),
                            "limit",
                            200))));
        }
        return ended;
    }

    /** The ended runs of a {@code POST /flow_runs/filter} answer. */
    static Map<String, RunTimes> parseRuns(JsonNode runs) {
        Map<String, RunTimes> ended = new LinkedHashMap<>();
        for (JsonNode r : runs) {
            String state = r.path("state_type").asText();
            if (List.of("COMPLETED", "FAILED", "CRASHED", "CANCELLED").contains(state)) {
                ended.put(
                        r.path("id").asText(),
                        new RunTimes(
                                state, state.equals("COMPLETED"), time(r.get("start_time")), time(r.get("end_time"))));
            }
        }
        return ended;
    }

    @Override
    public List<TaskTimes> tasks(String pipeline, String runId) throws Exception {
        return parseTasks(api.post(
                "/task_runs/filter",
                Http.map("flow_runs", Http.map("id", Http.map("any_", List.of(runId))), "limit", 200)));
    }

    /** The task runs of a {@code POST /task_runs/filter} answer. */
    static List<TaskTimes> parseTasks(JsonNode tasks) {
        List<TaskTimes> out = new ArrayList<>();
        for (JsonNode t : tasks) {
            out.add(new TaskTimes(t.path("name").asText(), time(t.get("start_time")), time(t.get("end_time"))));
        }
        return out;
    }

    /** Forces each run to CANCELLED (a no-op flow run already going ends by itself). */
    @Override
    public void cancel(String pipeline, Collection<String> runIds) throws Exception {
        for (String id : runIds) {
            api.post(
                    "/flow_runs/" + id + "/set_state", Http.map("state", Http.map("type", "CANCELLED"), "force", true));
        }
    }

    @Override
    public void enableSchedules() throws Exception {
        for (int i = 0; i < sizes.crons(); i++) {
            api.patch("/deployments/" + deployments.get(Peer.cron(i)), "{\"paused\": false}");
        }
    }

    @Override
    public List<Fire> fires(Instant from) throws Exception {
        List<Fire> fires = new ArrayList<>();
        for (int offset = 0; ; offset += 200) {
            JsonNode page = api.post(
                    "/flow_runs/filter",
                    Http.map(
                            "flow_runs",
                            Http.map(
                                    "tags", Http.map("all_", List.of("kb_cron")),
                                    "expected_start_time", Http.map("after_", from.toString())),
                            "limit",
                            200,
                            "offset",
                            offset));
            fires.addAll(parseFires(page));
            if (page.size() < 200) {
                return fires;
            }
        }
    }

    /** The fires of a {@code POST /flow_runs/filter} answer: expected_start_time and start_time. */
    static List<Fire> parseFires(JsonNode runs) {
        List<Fire> fires = new ArrayList<>();
        for (JsonNode r : runs) {
            fires.add(new Fire(
                    r.path("deployment_id").asText(), time(r.get("expected_start_time")), time(r.get("start_time"))));
        }
        return fires;
    }
}
