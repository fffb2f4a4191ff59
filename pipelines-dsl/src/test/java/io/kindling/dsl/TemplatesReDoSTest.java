package io.kindling.dsl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An unclosed {@code {{} followed by a long run of spaces costs linear time, not cubic (review M2). */
class TemplatesReDoSTest {
    private static final String UNCLOSED = "{{" + " ".repeat(1_000_000);

    @TempDir
    Path dir;

    @Test
    void findingNamesInAnUnclosedPlaceholderIsFast() {
        assertTimeoutPreemptively(
                Duration.ofSeconds(1),
                () -> assertThat(Templates.unknownNames(UNCLOSED, Set.of())).isEmpty());
    }

    @Test
    void renderingAnUnclosedPlaceholderIsFast() {
        TemplateContext context = new TemplateContext("p", "r", Instant.EPOCH, ZoneOffset.UTC, Map.of());

        assertTimeoutPreemptively(
                Duration.ofSeconds(1),
                () -> assertThat(Templates.render(UNCLOSED, context)).isEqualTo(UNCLOSED));
    }

    @Test
    void manyPlaceholdersWithSpacesAreFastToo() {
        String many = ("{{" + " ".repeat(1000) + "ds" + " ".repeat(1000) + "}}").repeat(500);
        TemplateContext context = new TemplateContext("p", "r", Instant.EPOCH, ZoneOffset.UTC, Map.of());

        assertTimeoutPreemptively(
                Duration.ofSeconds(1),
                () -> assertThat(Templates.render(many, context)).isEqualTo("1970-01-01".repeat(500)));
        assertThatThrownBy(() -> Templates.render("{{ nope }}", context)).hasMessageContaining("'nope'");
    }

    @Test
    void aPipelineFileWithAnUnclosedPlaceholderInItsSqlParsesFast() {
        String yaml = "pipeline: p\ntasks:\n  - id: a\n    sql: \"{{" + " ".repeat(500_000) + "\"\n";

        ParseResult result = assertTimeoutPreemptively(
                Duration.ofSeconds(2),
                () -> new PipelineParser(ParserOptions.lenient()).parse(dir.resolve("p.yml"), yaml));

        assertThat(result.problems()).hasSize(1);
    }
}
