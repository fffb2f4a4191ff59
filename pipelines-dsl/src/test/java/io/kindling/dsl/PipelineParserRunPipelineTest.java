package io.kindling.dsl;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code run_pipeline:} tasks as one file has them (the pipeline named and its params are checked across files). */
class PipelineParserRunPipelineTest {

    @TempDir
    Path dir;

    private ParserFixture fixture;

    @BeforeEach
    void fixture() {
        fixture = new ParserFixture(dir, ParserFixture.STRICT);
    }

    @Test
    void readsThePipelineParamsAndWaitWithWhereThePipelineIsWritten() {
        ParseResult result = new PipelineParser(ParserFixture.STRICT).parse(dir.resolve("p.yml"), """
                pipeline: p
                tasks:
                  - id: go
                    run_pipeline:
                      pipeline: other
                      params: {day: "{{ ds }}", n: 3}
                      wait: false
                  - id: plain
                    run_pipeline: {pipeline: other}
                """);
        assertThat(result.problems()).isEmpty();
        Pipeline p = result.pipeline().orElseThrow();

        assertThat(p.tasks().get(0).body())
                .isEqualTo(new TaskBody.RunPipeline("other", Map.of("day", "{{ ds }}", "n", "3"), false, 5, 17));
        TaskBody.RunPipeline plain = (TaskBody.RunPipeline) p.tasks().get(1).body();
        assertThat(plain.waitForEnd()).as("wait defaults to true").isTrue();
        assertThat(plain.params()).isEmpty();
    }

    @Test
    void aRunPipelineWithoutAPipelineOrWithUnknownKeysOrBadTemplatesIsAnErrorAtItsLine() {
        List<Problem> problems = fixture.problems("""
                pipeline: p
                tasks:
                  - id: a
                    run_pipeline: {params: {x: 1}}
                  - id: b
                    run_pipeline: {pipeline: other, retries: 3}
                  - id: c
                    run_pipeline: {pipeline: other, params: {x: "{{ nope }}"}}
                  - id: d
                    run_pipeline: {pipeline: other}
                    sql: SELECT 1
                  - id: e
                    run_pipeline: {pipeline: other, params: {token: "{{ secrets.API_TOKEN }}"}}
                """);

        assertThat(problems).anySatisfy(at(4, "pipeline"));
        assertThat(problems).anySatisfy(at(6, "retries"));
        assertThat(problems).anySatisfy(at(8, "nope"));
        assertThat(problems).anySatisfy(at(13, "run_pipeline.params.token: a secret cannot be passed as a param"));
        assertThat(problems)
                .anySatisfy(at(
                        11,
                        "more than one body: 'run_pipeline' and 'sql' (give exactly one of sql, sql_file,"
                                + " class, submit, stream, condition, python, notebook, run_pipeline or for_each)"));
    }

    private static Consumer<Problem> at(int line, String text) {
        return p -> {
            assertThat(p.line()).isEqualTo(line);
            assertThat(p.message()).contains(text);
        };
    }
}
