package io.kindling.bench.peers;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Apache Airflow 3.3.2 with the LocalExecutor on the bench's PostgreSQL (a database of its own,
 * {@code kindling_bench_airflow}, made afresh each run): {@code airflow scheduler}, {@code airflow dag-processor} and
 * {@code airflow api-server} as separate processes; the DAGs of peers/airflow/kb_dags.py, each task a TaskFlow
 * {@code @task} that returns at once. Triggers, pauses and times through the REST API v2.
 */
final class AirflowPeer extends PythonPeer {
    static final String VERSION = "3.3.2";
    static final String DATABASE = "kindling_bench_airflow";
    private static final int PORT = 28080;
    private final String postgresJdbc;
    private final Http api = new Http("http://127.0.0.1:" + PORT);
    private Map<String, String> env;

    AirflowPeer(Path peersDir, String postgresJdbc) {
        super(peersDir);
        this.postgresJdbc = postgresJdbc;
    }

    @Override
    public String name() {
        return "airflow";
    }

    @Override
    public String label() {
        return "Airflow " + VERSION;
    }

    @Override
    List<String> requirements() {
        // the constraints file (raw.githubusercontent.com) is not reachable from the bench machine: pinned alone
        return List.of("apache-airflow[postgres]==" + VERSION);
    }

    @Override
    String distribution() {
        return "apache-airflow";
    }

    @Override
    String version() {
        return VERSION;
    }

    @Override
    List<String> files() {
        return List.of("kb_dags.py");
    }

    @Override
    public String how() {
        return "airflow scheduler + dag-processor + api-server (1 worker), LocalExecutor (parallelism 32), PostgreSQL"
                + " database " + DATABASE
                + " (its backends' processes counted in memory and CPU); ready = all three up, /api/v2/monitor/health all healthy and every DAG"
                + " listed; tasks are TaskFlow @task no-ops (each run by the LocalExecutor in a worker process);"
                + " run start = dag_run.start_date, task times = task_instance start_date/end_date";
    }

    @Override
    public void deploy(PeerWorkloads.Sizes s) throws Exception {
        Path deploy = freshDeploy(s);
        URI pg = URI.create(postgresJdbc.substring("jdbc:".length()));
        String user = "postgres";
        for (String kv : pg.getQuery() == null ? new String[0] : pg.getQuery().split("&")) {
            if (kv.startsWith("user=")) {
                user = kv.substring(5);
            }
        }
        try (Connection c = DriverManager.getConnection(postgresJdbc);
                Statement st = c.createStatement()) {
            st.execute("DROP DATABASE IF EXISTS " + DATABASE + " WITH (FORCE)");
            st.execute("CREATE DATABASE " + DATABASE);
        }
        env = new LinkedHashMap<>();
        env.put("AIRFLOW_HOME", home.resolve("state").toString());
        env.put("AIRFLOW__CORE__DAGS_FOLDER", deploy.toString());
        env.put("AIRFLOW__CORE__EXECUTOR", "LocalExecutor");
        env.put("AIRFLOW__CORE__LOAD_EXAMPLES", "False");
        env.put("AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_ALL_ADMINS", "True");
        env.put("AIRFLOW__CORE__EXECUTION_API_SERVER_URL", "http://127.0.0.1:" + PORT + "/execution/");
        env.put("AIRFLOW__API__BASE_URL", "http://127.0.0.1:" + PORT);
        env.put("AIRFLOW__API__HOST", "127.0.0.1");
        env.put("AIRFLOW__API__PORT", Integer.toString(PORT));
        env.put("AIRFLOW__API_AUTH__JWT_SECRET", UUID.randomUUID().toString());
        env.put("AIRFLOW__API__SECRET_KEY", UUID.randomUUID().toString());
        env.put(
                "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN",
                "postgresql+psycopg2://" + user + "@" + pg.getHost() + ":" + pg.getPort() + "/" + DATABASE);
        env.put("AIRFLOW__USAGE_DATA_COLLECTION__ENABLED", "False");
        env.put("SCARF_ANALYTICS", "false");
        env.put("DO_NOT_TRACK", "true");
        Processes.run(List.of(bin("airflow"), "db", "migrate"), env, home, home.resolve("logs/db-migrate.log"), 10);
    }

    @Override
    public void start() throws Exception {
        processes.start("scheduler", List.of(bin("airflow"), "scheduler"), env, home);
        processes.start("dag-processor", List.of(bin("airflow"), "dag-processor"), env, home);
        processes.start(
                "api-server", List.of(bin("airflow"), "api-server", "--port", Integer.toString(PORT)), env, home);
        int expected = 3 + sizes.crons();
        await("healthy Airflow", 600, () -> {
            if (api.status("/api/v2/monitor/health") != 200) {
                return false;
            }
            JsonNode h = api.get("/api/v2/monitor/health");
            for (String part : List.of("metadatabase", "scheduler", "dag_processor")) {
                if (!h.path(part).path("status").asText().equals("healthy")) {
                    return false;
                }
            }
            if (api.token == null) {
                api.token = api.get("/auth/token").path("access_token").asText();
            }
            return api.get("/api/v2/dags?limit=1").path("total_entries").asInt() >= expected;
        });
    }

    /** Airflow's processes and the PostgreSQL backends serving its database (Airflow needs them; Kindling, on SQLite, has none). */
    @Override
    public List<ProcessHandle> processes() throws Exception {
        List<ProcessHandle> all = new ArrayList<>(processes.all());
        try (Connection c = DriverManager.getConnection(postgresJdbc);
                var st = c.prepareStatement("SELECT pid FROM pg_stat_activity WHERE datname = ?")) {
            st.setString(1, DATABASE);
            try (var rs = st.executeQuery()) {
                while (rs.next()) {
                    ProcessHandle.of(rs.getLong(1)).ifPresent(all::add);
                }
            }
        }
        return all;
    }

    @Override
    public String trigger(String pipeline) throws Exception {
        return api.post("/api/v2/dags/" + pipeline + "/dagRuns", "{\"logical_date\": null}")
                .path("dag_run_id")
                .asText();
    }

    @Override
    public Map<String, RunTimes> ended(String pipeline, Collection<String> runIds) throws Exception {
        Set<String> wanted = new HashSet<>(runIds);
        Map<String, RunTimes> ended = new HashMap<>();
        for (JsonNode page : pages("/api/v2/dags/" + pipeline + "/dagRuns?order_by=-run_after", "dag_runs")) {
            parseRuns(page).forEach((id, r) -> {
                if (wanted.contains(id)) {
                    ended.put(id, r);
                }
            });
        }
        return ended;
    }

    /** Every page (of 100, Airflow's most) of a list; {@code field} is the list's name in the answer. */
    private List<JsonNode> pages(String path, String field) throws Exception {
        List<JsonNode> pages = new ArrayList<>();
        for (int offset = 0; ; offset += 100) {
            JsonNode page = api.get(path + (path.contains("?") ? "&" : "?") + "limit=100&offset=" + offset);
            pages.add(page);
            if (page.path(field).size() < 100) {
                return pages;
            }
        }
    }

    /** The ended runs of a page of {@code GET /api/v2/dags/{id}/dagRuns}. */
    static Map<String, RunTimes> parseRuns(JsonNode page) {
        Map<String, RunTimes> ended = new LinkedHashMap<>();
        for (JsonNode r : page.path("dag_runs")) {
            String state = r.path("state").asText();
            if (state.equals("success") || state.equals("failed")) {
                ended.put(
                        r.path("dag_run_id").asText(),
                        new RunTimes(
                                state, state.equals("success"), time(r.get("start_date")), time(r.get("end_date"))));
            }
        }
        return ended;
    }

    @Override
    public List<TaskTimes> tasks(String pipeline, String runId) throws Exception {
        return parseTasks(api.get("/api/v2/dags/" + pipeline + "/dagRuns/"
                + URLEncoder.encode(runId, StandardCharsets.UTF_8) + "/taskInstances?limit=100"));
    }

    /** The tasks of {@code GET .../dagRuns/{run}/taskInstances}. */
    static List<TaskTimes> parseTasks(JsonNode answer) {
        List<TaskTimes> tasks = new ArrayList<>();
        for (JsonNode t : answer.path("task_instances")) {
            tasks.add(new TaskTimes(t.path("task_id").asText(), time(t.get("start_date")), time(t.get("end_date"))));
        }
        return tasks;
    }

    /** Marks the runs failed (PATCH state), which ends their unfinished tasks. */
    @Override
    public void cancel(String pipeline, Collection<String> runIds) throws Exception {
        for (String id : runIds) {
            api.patch(
                    "/api/v2/dags/" + pipeline + "/dagRuns/" + URLEncoder.encode(id, StandardCharsets.UTF_8),
                    "{\"state\": \"failed\"}");
        }
    }

    @Override
    public void enableSchedules() throws Exception {
        for (int i = 0; i < sizes.crons(); i++) {
            api.patch("/api/v2/dags/" + Peer.cron(i), "{\"is_paused\": false}");
        }
    }

    @Override
    public List<Fire> fires(Instant from) throws Exception {
        List<Fire> fires = new ArrayList<>();
        for (JsonNode page : pages("/api/v2/dags/~/dagRuns?dag_id_pattern=kb_cron_%25", "dag_runs")) {
            for (Fire f : parseFires(page)) {
                if (!f.scheduled().isBefore(from)) {
                    fires.add(f);
                }
            }
        }
        return fires;
    }

    /** The scheduled runs of a page of dagRuns: run_after (the cron's time) and start_date (null while queued). */
    static List<Fire> parseFires(JsonNode page) {
        List<Fire> fires = new ArrayList<>();
        for (JsonNode r : page.path("dag_runs")) {
            if (r.path("run_type").asText().equals("scheduled")) {
                fires.add(new Fire(r.path("dag_id").asText(), time(r.get("run_after")), time(r.get("start_date"))));
            }
        }
        return fires;
    }
}
