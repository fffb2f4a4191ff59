package io.kindling.dsl;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/** trigger: {after: [...]}: runs started by upstream pipelines' runs. */
class PipelineParserTriggerTest {
    private static final PipelineParser PARSER = new PipelineParser(ParserOptions.lenient());
    private static final Path FILE = Path.of("report.yml");

    private ParseResult parse(String yaml) {
        return PARSER.parse(FILE, yaml);
    }

    @Test
    void readsTheUpstreamsTheirStatesAndHowRunsLineUp() {
        ParseResult result = parse("""
                pipeline: report
                trigger:
                  after:
                    - pipeline: ingest
                    - {pipeline: cleanup, state: done}
                  match: logical_date
                  timezone: Europe/Berlin
                  on_upstream_rerun: ignore
                tasks: [{id: a, sql: SELECT 1}]
                """);

        assertThat(result.problems()).isEmpty();
        UpstreamTrigger trigger = result.pipeline().orElseThrow().trigger().orElseThrow();
        assertThat(trigger.after())
                .containsExactly(
                        new UpstreamTrigger.After("ingest", UpstreamTrigger.State.SUCCEEDED, 4, 17),
                        new UpstreamTrigger.After("cleanup", UpstreamTrigger.State.DONE, 5, 18));
        assertThat(trigger.match()).isEqualTo(UpstreamTrigger.Match.LOGICAL_DATE);
        assertThat(trigger.timezone()).isEqualTo(ZoneId.of("Europe/Berlin"));
        assertThat(trigger.rerun()).isFalse();
        // its runs' ds is the date in that zone: a run for Monday renders Monday
        assertThat(result.pipeline().orElseThrow().zone()).isEqualTo(ZoneId.of("Europe/Berlin"));
    }

    @Test
    void defaultsAreLogicalDateInUtcAndUpstreamRerunsTrigger() {
        UpstreamTrigger trigger = parse("""
                        pipeline: report
                        trigger: {after: [{pipeline: ingest}]}
                        tasks: [{id: a, sql: SELECT 1}]
                        """).pipeline().orElseThrow().trigger().orElseThrow();

        assertThat(trigger.match()).isEqualTo(UpstreamTrigger.Match.LOGICAL_DATE);
        assertThat(trigger.timezone()).isEqualTo(ZoneOffset.UTC);
        assertThat(trigger.rerun()).isTrue();
    }

    @Test
    void mistakesAreReportedWhereTheyAre() {
        List<String> problems = parse("""
                        pipeline: report
                        schedule: {cron: "0 6 * * *"}
                        params: {day: {type: date}}
                        trigger:
                          after:
                            - pipeline: report
                            - {pipeline: ingest, state: finished}
                            - pipeline: ingest
                          match: daily
                          on_upstream_rerun: maybe
                        tasks: [{id: a, sql: SELECT 1}]
                        """).problems().stream()
                .map(p -> p.line() + ":" + p.column() + " " + p.message())
                .toList();

        assertThat(problems)
                .containsExactly(
                        "3:1 param 'day' has no default, but scheduled runs need one: give it a default, or remove the"
                                + " schedule",
                        "4:1 trigger: a pipeline runs on a schedule or after upstream pipelines, not both: remove one",
                        "6:17 after: a pipeline cannot wait for itself",
                        "7:33 state: expected succeeded or failed or done, got 'finished'",
                        "8:17 after: pipeline 'ingest' is named twice",
                        "9:10 match: expected logical_date or any, got 'daily'",
                        "10:22 on_upstream_rerun: expected trigger or ignore, got 'maybe'");
    }
}
