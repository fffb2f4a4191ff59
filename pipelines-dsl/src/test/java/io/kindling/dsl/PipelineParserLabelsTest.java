package io.kindling.dsl;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tags:} and {@code owner:}: read as written, and every bad one reported at its line and column. */
class PipelineParserLabelsTest {
    @TempDir
    Path dir;

    private ParserFixture fixture;

    @BeforeEach
    void fixture() {
        fixture = new ParserFixture(dir, ParserFixture.STRICT);
    }

    @Test
    void tagsAndOwnerAreReadInFileOrder() {
        Pipeline p = new PipelineParser(ParserFixture.STRICT)
                .parse(dir.resolve("p.yml"), """
                        pipeline: p
                        tags: [finance, daily, team:ops]
                        owner: data-platform@example.com
                        tasks: [{id: a, sql: SELECT 1}]
                        """)
                .pipeline()
                .orElseThrow();
        assertThat(p.labels().tags()).containsExactly("finance", "daily", "team:ops");
        assertThat(p.labels().owner()).contains("data-platform@example.com");
    }

    @Test
    void withoutThemAPipelineHasNoTagsAndNoOwner() {
        Pipeline p = new PipelineParser(ParserFixture.STRICT)
                .parse(dir.resolve("p.yml"), """
                        pipeline: p
                        tasks: [{id: a, sql: SELECT 1}]
                        """)
                .pipeline()
                .orElseThrow();
        assertThat(p.labels()).isEqualTo(new Labels(List.of(), Optional.empty()));
    }

    @Test
    void badTagsAndOwnersAreReportedWhereTheyAre() {
        assertThat(fixture.problems("""
                pipeline: p
                tags: [ok, Finance, "two words", ok, [nested]]
                owner: {team: ops}
                tasks: [{id: a, sql: SELECT 1}]
                """))
                .containsExactly(
                        fixture.problem(2, 12, "tags: invalid tag 'Finance': " + Labels.TAG_RULE),
                        fixture.problem(2, 21, "tags: invalid tag 'two words': " + Labels.TAG_RULE),
                        fixture.problem(2, 34, "tags: 'ok' is listed twice"),
                        fixture.problem(2, 38, "tags: expected a string, got a list"),
                        fixture.problem(3, 8, "owner: expected a string, got a mapping"));
    }

    @Test
    void tagsMustBeAListAndTheOwnerOneShortLine() {
        assertThat(fixture.problems("""
                pipeline: p
                tags: finance
                owner: "%s"
                tasks: [{id: a, sql: SELECT 1}]
                """.formatted("x".repeat(101))))
                .extracting(Problem::toString)
                .containsExactly(
                        fixture.problem(2, 7, "tags: expected a list, got 'finance'")
                                .toString(),
                        fixture.problem(
                                        3,
                                        8,
                                        "owner: expected one line of at most 100 characters (a team, a person), got '"
                                                + "x".repeat(37) + "...'")
                                .toString());
    }
}
