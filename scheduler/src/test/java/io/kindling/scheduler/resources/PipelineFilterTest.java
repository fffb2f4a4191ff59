package io.kindling.scheduler.resources;

import static org.assertj.core.api.Assertions.assertThat;

import io.kindling.dsl.ParserOptions;
import io.kindling.dsl.Pipeline;
import io.kindling.dsl.PipelineParser;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code GET /pipelines?tag=&owner=&q=}: every tag given, the owner ignoring case, text in the id or description. */
class PipelineFilterTest {
    private static Pipeline pipeline(String yaml) {
        return new PipelineParser(ParserOptions.lenient())
                .parse(Path.of("p.yml"), yaml)
                .pipeline()
                .orElseThrow();
    }

    private static final Pipeline ORDERS = pipeline("""
            pipeline: daily_orders
            description: Roll up yesterday's orders
            tags: [finance, daily]
            owner: Data-Team
            tasks: [{id: a, sql: SELECT 1}]
            """);
    private static final Pipeline BARE = pipeline("""
            pipeline: bare
            tasks: [{id: a, sql: SELECT 1}]
            """);

    @Test
    void noFilterLetsEveryPipelineThrough() {
        PipelineFilter none = PipelineFilter.of(null, null, null);
        assertThat(none.test(ORDERS)).isTrue();
        assertThat(none.test(BARE)).isTrue();
        assertThat(PipelineFilter.of(List.of(""), " ", "").test(BARE)).isTrue();
    }

    @Test
    void tagsMustAllBeThere() {
        assertThat(PipelineFilter.of(List.of("finance"), null, null).test(ORDERS))
                .isTrue();
        assertThat(PipelineFilter.of(List.of("finance", "daily"), null, null).test(ORDERS))
                .isTrue();
        assertThat(PipelineFilter.of(List.of("finance", "hourly"), null, null).test(ORDERS))
                .isFalse();
        assertThat(PipelineFilter.of(List.of("finance"), null, null).test(BARE)).isFalse();
    }

    @Test
    void ownerIgnoresCaseAndTextLooksAtIdAndDescription() {
        assertThat(PipelineFilter.of(null, "data-team", null).test(ORDERS)).isTrue();
        assertThat(PipelineFilter.of(null, "data", null).test(ORDERS)).isFalse();
        assertThat(PipelineFilter.of(null, "data-team", null).test(BARE)).isFalse();
        assertThat(PipelineFilter.of(null, null, "ORDERS").test(ORDERS)).isTrue();
        assertThat(PipelineFilter.of(null, null, "yesterday").test(ORDERS)).isTrue();
        assertThat(PipelineFilter.of(null, null, "yesterday").test(BARE)).isFalse();
    }
}
