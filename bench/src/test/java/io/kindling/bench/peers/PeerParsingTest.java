package io.kindling.bench.peers;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Each peer's timing answers, read from fixed samples of its API (the shapes the full run got). */
class PeerParsingTest {
    private static JsonNode json(String s) throws Exception {
        return Http.JSON.readTree(s);
    }

    @Test
    void airflowDagRunsTaskInstancesAndScheduledRuns() throws Exception {
        JsonNode runs = json("""
                {"dag_runs": [
                  {"dag_run_id": "manual__2026-12-04T22:40:01.123456+00:00", "dag_id": "kb_chain", "state": "success",
                   "run_type": "manual", "run_after": "2026-12-04T22:40:01.123456Z",
                   "start_date": "2026-12-04T22:40:02.5Z", "end_date": "2026-12-04T22:40:30.25Z"},
                  {"dag_run_id": "manual__2026-12-04T22:41:00+00:00", "dag_id": "kb_chain", "state": "running",
                   "run_type": "manual", "run_after": "2026-12-04T22:41:00Z",
                   "start_date": "2026-12-04T22:41:01Z", "end_date": null},
                  {"dag_run_id": "scheduled__2026-12-04T22:42:00+00:00", "dag_id": "kb_cron_007", "state": "queued",
                   "run_type": "scheduled", "run_after": "2026-12-04T22:42:00Z", "start_date": null, "end_date": null},
                  {"dag_run_id": "scheduled__2026-12-04T22:43:00+00:00", "dag_id": "kb_cron_008", "state": "success",
                   "run_type": "scheduled", "run_after": "2026-12-04T22:43:00Z",
                   "start_date": "2026-12-04T22:43:01.75+00:00", "end_date": "2026-12-04T22:43:05Z"}],
                 "total_entries": 4}""");
        Map<String, Peer.RunTimes> ended = AirflowPeer.parseRuns(runs);
        assertThat(ended)
                .containsOnlyKeys("manual__2026-12-04T22:40:01.123456+00:00", "scheduled__2026-12-04T22:43:00+00:00");
        Peer.RunTimes r = ended.get("manual__2026-12-04T22:40:01.123456+00:00");
        assertThat(r.succeeded()).isTrue();
        assertThat(r.start()).isEqualTo(Instant.parse("2026-12-04T22:40:02.500Z"));
        assertThat(r.end()).isEqualTo(Instant.parse("2026-12-04T22:40:30.250Z"));

        assertThat(AirflowPeer.parseFires(runs))
                .containsExactly(
                        new Peer.Fire("kb_cron_007", Instant.parse("2026-12-04T22:42:00Z"), null),
                        new Peer.Fire(
                                "kb_cron_008",
                                Instant.parse("2026-12-04T22:43:00Z"),
                                Instant.parse("2026-12-04T22:43:01.750Z")));

        List<Peer.TaskTimes> tasks = AirflowPeer.parseTasks(json("""
                {"task_instances": [
                  {"task_id": "t00", "state": "success", "start_date": "2026-12-04T22:40:03.000001Z",
                   "end_date": "2026-12-04T22:40:03.9Z"},
                  {"task_id": "t01", "state": "success", "start_date": "2026-12-04T22:40:05Z",
                   "end_date": "2026-12-04T22:40:05.5Z"}], "total_entries": 2}"""));
        assertThat(tasks)
                .containsExactly(
                        new Peer.TaskTimes(
                                "t00",
                                Instant.parse("2026-12-04T22:40:03.000001Z"),
                                Instant.parse("2026-12-04T22:40:03.900Z")),
                        new Peer.TaskTimes(
                                "t01",
                                Instant.parse("2026-12-04T22:40:05Z"),
                                Instant.parse("2026-12-04T22:40:05.500Z")));
    }

    @Test
    void dagsterRunsAndStepStats() throws Exception {
        JsonNode runs = json("""
                {"runsOrError": {"results": [
                  {"runId": "a1", "jobName": "kb_one", "status": "SUCCESS", "startTime": 1796510400.25,
                   "endTime": 1796510403.5, "tags": []},
                  {"runId": "a2", "jobName": "kb_one", "status": "STARTED", "startTime": 1796510401.0,
                   "endTime": null, "tags": []},
                  {"runId": "c1", "jobName": "kb_cron_001", "status": "QUEUED", "startTime": null, "endTime": null,
                   "tags": [{"key": "dagster/schedule_name", "value": "kb_cron_001_schedule"},
                            {"key": "dagster/scheduled_execution_time", "value": "2026-12-04T22:42:00+00:00"}]},
                  {"runId": "c2", "jobName": "kb_cron_002", "status": "FAILURE", "startTime": 1796510524.5,
                   "endTime": 1796510527.0,
                   "tags": [{"key": "dagster/scheduled_execution_time", "value": "2026-12-04T22:42:00+00:00"}]}]}}""");
        Map<String, Peer.RunTimes> ended = DagsterPeer.parseRuns(runs);
        assertThat(ended).containsOnlyKeys("a1", "c2");
        assertThat(ended.get("a1"))
                .isEqualTo(new Peer.RunTimes(
                        "SUCCESS",
                        true,
                        Instant.ofEpochSecond(1796510400, 250_000_000),
                        Instant.ofEpochSecond(1796510403, 500_000_000)));
        assertThat(ended.get("c2").succeeded()).isFalse();
        assertThat(DagsterPeer.parseSteps(json("""
                        {"runOrError": {"stepStats": [
                          {"stepKey": "t00", "startTime": 1796510401.125, "endTime": 1796510402.0}]}}""")))
                .containsExactly(new Peer.TaskTimes(
                        "t00", Instant.ofEpochSecond(1796510401, 125_000_000), Instant.ofEpochSecond(1796510402)));
    }

    @Test
    void prefectFlowRunsTaskRunsAndScheduledRuns() throws Exception {
        JsonNode runs = json("""
                [{"id": "f1", "deployment_id": "d1", "state_type": "COMPLETED",
                  "expected_start_time": "2026-12-04T22:42:00Z",
                  "start_time": "2026-12-04T22:42:09.123456Z", "end_time": "2026-12-04T22:42:11.5Z"},
                 {"id": "f2", "deployment_id": "d2", "state_type": "SCHEDULED",
                  "expected_start_time": "2026-12-04T22:43:00+00:00", "start_time": null, "end_time": null},
                 {"id": "f3", "deployment_id": "d3", "state_type": "CRASHED",
                  "expected_start_time": "2026-12-04T22:42:00Z",
                  "start_time": "2026-12-04T22:42:20Z", "end_time": "2026-12-04T22:42:21Z"}]""");
        Map<String, Peer.RunTimes> ended = PrefectPeer.parseRuns(runs);
        assertThat(ended).containsOnlyKeys("f1", "f3");
        assertThat(ended.get("f1"))
                .isEqualTo(new Peer.RunTimes(
                        "COMPLETED",
                        true,
                        Instant.parse("2026-12-04T22:42:09.123456Z"),
                        Instant.parse("2026-12-04T22:42:11.500Z")));
        assertThat(ended.get("f3").succeeded()).isFalse();
        assertThat(PrefectPeer.parseFires(runs))
                .extracting(Peer.Fire::scheduled, Peer.Fire::started)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(
                                Instant.parse("2026-12-04T22:42:00Z"), Instant.parse("2026-12-04T22:42:09.123456Z")),
                        org.assertj.core.groups.Tuple.tuple(Instant.parse("2026-12-04T22:43:00Z"), null),
                        org.assertj.core.groups.Tuple.tuple(
                                Instant.parse("2026-12-04T22:42:00Z"), Instant.parse("2026-12-04T22:42:20Z")));
        assertThat(PrefectPeer.parseTasks(json("""
                        [{"id": "t1", "name": "t00-0a1", "start_time": "2026-12-04T22:42:10Z",
                          "end_time": "2026-12-04T22:42:10.01Z"}]""")))
                .containsExactly(new Peer.TaskTimes(
                        "t00-0a1", Instant.parse("2026-12-04T22:42:10Z"), Instant.parse("2026-12-04T22:42:10.010Z")));
    }
}
