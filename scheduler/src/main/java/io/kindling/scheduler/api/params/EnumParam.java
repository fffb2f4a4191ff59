package io.kindling.scheduler.api.params;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** An optional constant of an enum, in any case; empty when absent or empty. One subclass per enum. */
public abstract class EnumParam<E extends Enum<E>> extends ApiParam<Optional<E>> {
    protected EnumParam(String input, String name) {
        super(input, name);
    }

    /** The enum; called while the superclass constructor parses, so it must return a constant. */
    protected abstract Class<E> type();

    @Override
    protected Optional<E> parse(String input) {
        if (input == null || input.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Enum.valueOf(type(), input.toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
            throw refused("unknown {name} '{input}', expected one of " + Arrays.toString(type().getEnumConstants()));
        }
    }
}
