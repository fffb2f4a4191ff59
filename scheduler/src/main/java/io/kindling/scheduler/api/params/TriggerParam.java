package io.kindling.scheduler.api.params;

import io.kindling.scheduler.model.TriggerType;
import java.util.Optional;

/** A trigger filter by its name on the wire: {@code schedule}, {@code manual}, {@code backfill}, {@code upstream},
 * {@code event}, {@code files} or {@code continuous}. */
public final class TriggerParam extends ApiParam<Optional<TriggerType>> {
    public TriggerParam(String input, String name) {
        super(input, name);
    }

    @Override
    protected Optional<TriggerType> parse(String input) {
        if (input == null || input.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(TriggerType.fromDb(input));
        } catch (IllegalArgumentException e) {
            throw refused(
                    "unknown {name} '{input}', expected one of schedule, manual, backfill, upstream, event, files, continuous");
        }
    }
}
