package io.kindling.scheduler.resources;

import io.kindling.dsl.Pipeline;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The list's filters ({@code GET /api/v1/pipelines?tag=&owner=&q=}): every tag given, the owner (ignoring case), and
 * a text found in the id or the description (ignoring case); a filter not given lets every pipeline through.
 */
record PipelineFilter(List<String> tags, Optional<String> owner, Optional<String> text) implements Predicate<Pipeline> {

    /** From the query: parameters absent (null) or blank filter nothing. */
    static PipelineFilter of(List<String> tags, String owner, String text) {
        return new PipelineFilter(
                tags == null
                        ? List.of()
                        : tags.stream().filter(t -> !t.isBlank()).toList(),
                given(owner),
                given(text).map(t -> t.toLowerCase(Locale.ROOT)));
    }

    private static Optional<String> given(String value) {
        return Optional.ofNullable(value).map(String::strip).filter(v -> !v.isEmpty());
    }

    @Override
    public boolean test(Pipeline p) {
        return p.labels().tags().containsAll(tags)
                && owner.map(o -> p.labels().owner().filter(o::equalsIgnoreCase).isPresent())
                        .orElse(true)
                && text.map(t -> p.id().toLowerCase(Locale.ROOT).contains(t)
                                || p.description().toLowerCase(Locale.ROOT).contains(t))
                        .orElse(true);
    }
}
