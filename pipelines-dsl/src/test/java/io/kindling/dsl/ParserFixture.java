package io.kindling.dsl;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Parses YAML text as the file {@code p.yml} of a test's folder, and names problems at positions in it. */
final class ParserFixture {
    /** Checks executor names (local, spark) and webhook names (ops, oncall). */
    static final ParserOptions STRICT =
            new ParserOptions(Optional.of(Set.of("local", "spark")), Optional.of(Set.of("ops", "oncall")), "local");

    private final PipelineParser parser;
    private final ParserOptions options;
    private final Path file;

    ParserFixture(Path dir, ParserOptions options) {
        this.parser = new PipelineParser(options);
        this.options = options;
        this.file = dir.resolve("p.yml");
    }

    List<Problem> problems(String yaml) {
        ParseResult result = parser.parse(file, yaml);
        assertThat(result.ok()).isEqualTo(result.problems().isEmpty());
        return result.problems();
    }

    ParserOptions options() {
        return options;
    }

    Problem problem(int line, int column, String message) {
        return new Problem(file, line, column, message);
    }
}
