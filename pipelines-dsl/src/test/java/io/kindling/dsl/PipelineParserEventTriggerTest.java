package io.kindling.dsl;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** trigger: {events: {secret: NAME}}: signed inbound events. */
class PipelineParserEventTriggerTest {
    private static final PipelineParser PARSER = new PipelineParser(ParserOptions.lenient());

    private ParseResult parse(String yaml) {
        return PARSER.parse(Path.of("orders.yml"), yaml);
    }

    private List<String> problems(String yaml) {
        return parse(yaml).problems().stream()
                .map(p -> p.line() + ":" + p.column() + " " + p.message())
                .toList();
    }

    @Test
    void readsTheSecretsNameAloneOrWithAScheduleOrUpstreams() {
        Pipeline alone = parse("""
                        pipeline: orders
                        params: {order_id: {type: long}}
                        trigger: {events: {secret: ORDERS_HOOK}}
                        tasks: [{id: a, sql: SELECT 1}]
                        """).pipeline().orElseThrow();
        // events give params values, so a pipeline that only takes events needs no defaults
        assertThat(alone.events()).contains(new EventTrigger("ORDERS_HOOK"));
        assertThat(alone.trigger()).isEmpty();

        Pipeline scheduled = parse("""
                        pipeline: orders
                        schedule: {cron: "0 6 * * *"}
                        trigger: {events: {secret: ORDERS_HOOK}}
                        tasks: [{id: a, sql: SELECT 1}]
                        """).pipeline().orElseThrow();
        assertThat(scheduled.events()).contains(new EventTrigger("ORDERS_HOOK"));

        Pipeline both = parse("""
                        pipeline: orders
                        trigger:
                          after: [{pipeline: ingest}]
                          events: {secret: ORDERS_HOOK}
                        tasks: [{id: a, sql: SELECT 1}]
                        """).pipeline().orElseThrow();
        assertThat(both.events()).contains(new EventTrigger("ORDERS_HOOK"));
        assertThat(both.trigger()).isPresent();

        assertThat(parse("""
                        pipeline: orders
                        tasks: [{id: a, sql: SELECT 1}]
                        """).pipeline().orElseThrow().events()).isEqualTo(Optional.empty());
    }

    @Test
    void mistakesAreReportedWhereTheyAre() {
        assertThat(problems("""
                        pipeline: orders
                        trigger:
                          events: {secret: 1BAD, sign: x}
                          match: any
                        tasks: [{id: a, sql: SELECT 1}]
                        """))
                .containsExactlyInAnyOrder(
                        "3:26 unknown key 'sign' in trigger events",
                        "3:20 events.secret: '1BAD' is not a secret name (letters, digits and _, not starting with a"
                                + " digit; the value comes from the secrets file or KINDLING_SECRET_<NAME>)",
                        "4:3 match: only with after: (upstream pipelines)");
        assertThat(problems("""
                        pipeline: orders
                        trigger: {events: {}}
                        tasks: [{id: a, sql: SELECT 1}]
                        """)).hasSize(1).allSatisfy(p -> assertThat(p).contains("secret"));
    }
}
