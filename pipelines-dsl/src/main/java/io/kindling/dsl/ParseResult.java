package io.kindling.dsl;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** A parsed file: a pipeline when there were no problems, otherwise every problem found, in file order. */
public record ParseResult(Path file, Optional<Pipeline> pipeline, List<Problem> problems) {
    public ParseResult {
        problems = List.copyOf(problems);
        if (pipeline.isPresent() != problems.isEmpty()) {
            throw new IllegalArgumentException("a result has either a pipeline or problems");
        }
    }

    public boolean ok() {
        return pipeline.isPresent();
    }
}
