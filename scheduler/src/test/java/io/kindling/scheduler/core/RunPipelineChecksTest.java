package io.kindling.scheduler.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.kindling.dsl.ParseResult;
import io.kindling.dsl.ParserOptions;
import io.kindling.dsl.Pipeline;
import io.kindling.dsl.PipelineParser;
import io.kindling.dsl.Problem;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The cross-file checks of run_pipeline tasks, with a depth limit of the config's choosing. */
class RunPipelineChecksTest {
    private static final PipelineParser PARSER = new PipelineParser(ParserOptions.lenient());

    private static ParseResult parse(String id, String runs) {
        String body = runs == null ? "{id: t, sql: SELECT 1}" : "{id: t, run_pipeline: {pipeline: " + runs + "}}";
        return PARSER.parse(Path.of(id + ".yml"), "pipeline: " + id + "\ntasks: [" + body + "]\n");
    }

    @Test
    void theDepthLimitIsTheOneGivenAndPipelinesLoadedElsewhereCount() {
        Pipeline c = parse("c", null).pipeline().orElseThrow();
        List<ParseResult> results = List.of(parse("a", "b"), parse("b", "c"));

        assertThat(RunPipelineChecks.refuse(results, Map.of("c", c), 2)).allMatch(ParseResult::ok);
        List<ParseResult> tight = RunPipelineChecks.refuse(results, Map.of("c", c), 1);

        assertThat(tight.get(1).ok()).as("b runs c: one level").isTrue();
        assertThat(tight.get(0).problems())
                .extracting(Problem::message)
                .containsExactly("run_pipeline.pipeline: running 'b' nests 2 levels of pipeline runs (a runs b runs c),"
                        + " more than the limit of 1");
        assertThat(tight.get(0).problems().get(0).line()).isEqualTo(2);
        assertThat(RunPipelineChecks.refuse(results, Map.of(), 5).get(1).problems())
                .extracting(Problem::message)
                .containsExactly("run_pipeline.pipeline: no pipeline 'c' is loaded (known: [a, b])");
    }
}
