package io.kindling.bench.peers;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Dagster 1.13.28 on its default storage (SQLite in DAGSTER_HOME), the default run coordinator (queued, 10 runs at
 * once) and run launcher (a process per run): {@code dagster-daemon run} and {@code dagster-webserver} (whose
 * GraphQL API launches the runs and reads their times), the jobs of peers/dagster/defs.py.
 */
final class DagsterPeer extends PythonPeer {
    static final String VERSION = "1.13.28";
    private static final int PORT = 23000;
    private static final String LOCATION = "kb";
    private static final String REPOSITORY = "__repository__";
    private final Http api = new Http("http://127.0.0.1:" + PORT);
    private Map<String, String> env;
    private Path deploy;

    DagsterPeer(Path peersDir) {
        super(peersDir);
    }

    @Override
    public String name() {
        return "dagster";
    }

    @Override
    public String label() {
        return "Dagster " + VERSION;
    }

    @Override
    List<String> requirements() {
        // dagster-webserver may lag dagster by a patch on the index: the matching pair
        return List.of("dagster==" + VERSION, "dagster-webserver==" + VERSION);
    }

    @Override
    String distribution() {
        return "dagster";
    }

    @Override
    String version() {
        return VERSION;
    }

    @Override
    List<String> files() {
        return List.of("defs.py", "workspace.yaml", "dagster.yaml");
    }

    @Override
    public String variant() {
        return "_inprocess";
    }

    @Override
    public String variantLabel() {
        return "in-process executor";
    }

    @Override
    public String how() {
        return "dagster-daemon run + dagster-webserver, DAGSTER_HOME with telemetry off and otherwise the defaults"
                + " (SQLite storage, queued run coordinator: 10 runs at once, default run launcher: a process per"
                + " run, default multiprocess executor: a process per op); ready = the webserver lists every job and"
                + " every daemon reports healthy; run start = the run's startTime, task times = stepStats";
    }

    @Override
    public void deploy(PeerWorkloads.Sizes s) throws Exception {
        deploy = freshDeploy(s);
        Files.move(deploy.resolve("dagster.yaml"), home.resolve("state/dagster.yaml"));
        env = new LinkedHashMap<>();
        env.put("DAGSTER_HOME", home.resolve("state").toString());
        env.put("DAGSTER_DISABLE_TELEMETRY", "true");
        // the storage's schema, made before the start: the daemon and the webserver would both make it at once
        Processes.run(List.of(bin("dagster"), "instance", "migrate"), env, deploy, home.resolve("logs/migrate.log"), 5);
    }

    @Override
    public void start() throws Exception {
        processes.start("daemon", List.of(bin("dagster-daemon"), "run", "-w", "workspace.yaml"), env, deploy);
        processes.start(
                "webserver",
                List.of(
                        bin("dagster-webserver"),
                        "-w",
                        "workspace.yaml",
                        "-h",
                        "127.0.0.1",
                        "-p",
                        Integer.toString(PORT)),
                env,
                deploy);
        int expected = 5 + sizes.crons();
        await("Dagster ready", 600, () -> {
            if (api.status("/server_info") != 200) {
                return false;
            }
            JsonNode d = graphql("""
                    { repositoriesOrError { ... on RepositoryConnection { nodes { jobs { name } } } }
                      instance { daemonHealth { allDaemonStatuses { daemonType healthy required } } } }""", null);
            int jobs = 0;
            for (JsonNode r : d.path("repositoriesOrError").path("nodes")) {
                jobs += r.path("jobs").size();
            }
            boolean healthy = true;
            for (JsonNode st : d.path("instance").path("daemonHealth").path("allDaemonStatuses")) {
                if (st.path("required").asBoolean() && !st.path("healthy").asBoolean()) {
                    healthy = false;
                }
            }
            // __ASSET_JOB and the like may be listed besides ours
            return healthy && jobs >= expected;
        });
    }

    private JsonNode graphql(String query, Object variables) throws Exception {
        JsonNode a = api.post("/graphql", Http.map("query", query, "variables", variables));
        if (a.has("errors")) {
            throw new IllegalStateException("GraphQL: " + a.get("errors"));
        }
        return a.path("data");
    }

    @Override
    public String trigger(String pipeline) throws Exception {
        JsonNode r = graphql(
                        """
                mutation($p: ExecutionParams!) { launchRun(executionParams: $p) {
                  __typename ... on LaunchRunSuccess { run { runId } } ... on PythonError { message } } }""",
                        Http.map(
                                "p",
                                Http.map(
                                        "selector",
                                        Http.map(
                                                "repositoryLocationName", LOCATION,
                                                "repositoryName", REPOSITORY,
                                                "jobName", pipeline),
                                        "runConfigData",
                                        Map.of())))
                .path("launchRun");
        if (!r.path("__typename").asText().equals("LaunchRunSuccess")) {
            throw new IllegalStateException("launchRun: " + r);
        }
        return r.path("run").path("runId").asText();
    }

    private static final String RUNS = """
            query($f: RunsFilter, $limit: Int) { runsOrError(filter: $f, limit: $limit) { ... on Runs {
              results { runId jobName status startTime endTime } } } }""";

    @Override
    public Map<String, RunTimes> ended(String pipeline, Collection<String> runIds) throws Exception {
        return parseRuns(graphql(RUNS, Http.map("f", Http.map("runIds", runIds), "limit", runIds.size())));
    }

    /** The ended runs of a {@code runsOrError} answer. */
    static Map<String, RunTimes> parseRuns(JsonNode data) {
        Map<String, RunTimes> ended = new LinkedHashMap<>();
        for (JsonNode r : data.path("runsOrError").path("results")) {
            String state = r.path("status").asText();
            if (state.equals("SUCCESS") || state.equals("FAILURE") || state.equals("CANCELED")) {
                ended.put(
                        r.path("runId").asText(),
                        new RunTimes(
                                state,
                                state.equals("SUCCESS"),
                                seconds(r.get("startTime")),
                                seconds(r.get("endTime"))));
            }
        }
        return ended;
    }

    @Override
    public List<TaskTimes> tasks(String pipeline, String runId) throws Exception {
        return parseSteps(graphql("""
                query($id: ID!) { runOrError(runId: $id) { ... on Run { stepStats { stepKey startTime endTime } } } }""", Http.map("id", runId)));
    }

    /** The steps of a {@code runOrError} answer. */
    static List<TaskTimes> parseSteps(JsonNode data) {
        List<TaskTimes> tasks = new ArrayList<>();
        for (JsonNode s : data.path("runOrError").path("stepStats")) {
            tasks.add(
                    new TaskTimes(s.path("stepKey").asText(), seconds(s.get("startTime")), seconds(s.get("endTime"))));
        }
        return tasks;
    }

    /** GraphQL terminateRun of each (a queued one is canceled, a running one terminated). */
    @Override
    public void cancel(String pipeline, Collection<String> runIds) throws Exception {
        for (String id : runIds) {
            graphql("mutation($id: String!) { terminateRun(runId: $id) { __typename } }", Http.map("id", id));
        }
    }

    @Override
    public void enableSchedules() throws Exception {
        for (int i = 0; i < sizes.crons(); i++) {
            JsonNode r = graphql(
                            """
                            mutation($s: ScheduleSelector!) { startSchedule(scheduleSelector: $s) {
                              __typename ... on PythonError { message } } }""",
                            Http.map(
                                    "s",
                                    Http.map(
                                            "repositoryLocationName", LOCATION,
                                            "repositoryName", REPOSITORY,
                                            "scheduleName", Peer.cron(i) + "_schedule")))
                    .path("startSchedule");
            if (r.path("__typename").asText().equals("PythonError")) {
                throw new IllegalStateException("startSchedule: " + r);
            }
        }
    }

    /**
     * From Dagster's own run storage (DAGSTER_HOME/history/runs.db, read only): the GraphQL API hides the tag
     * {@code .dagster/scheduled_execution_time} (a tag whose key starts with a dot), which holds a fire's scheduled
     * time; {@code runs.start_time} is the run's start (seconds since the epoch, null while queued).
     */
    @Override
    public List<Fire> fires(Instant from) throws Exception {
        List<Fire> fires = new ArrayList<>();
        String url = "jdbc:sqlite:file:" + home.resolve("state/history/runs.db") + "?mode=ro";
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(url);
                java.sql.Statement st = c.createStatement()) {
            st.execute("PRAGMA busy_timeout = 10000");
            try (java.sql.ResultSet rs = st.executeQuery(
                    "SELECT r.pipeline_name, t.value, r.start_time FROM runs r JOIN run_tags t ON t.run_id = r.run_id"
                            + " WHERE t.key IN ('.dagster/scheduled_execution_time', 'dagster/scheduled_execution_time')")) {
                while (rs.next()) {
                    Instant scheduled = time(Http.JSON.getNodeFactory().textNode(rs.getString(2)));
                    double start = rs.getDouble(3);
                    Instant started = rs.wasNull()
                            ? null
                            : seconds(Http.JSON.getNodeFactory().numberNode(start));
                    if (!scheduled.isBefore(from)) {
                        fires.add(new Fire(rs.getString(1), scheduled, started));
                    }
                }
            }
        }
        return fires;
    }
}
