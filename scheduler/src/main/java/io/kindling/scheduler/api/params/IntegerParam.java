package io.kindling.scheduler.api.params;

import java.util.Optional;

/** An optional integer (such as an attempt number); empty when absent or empty. */
public final class IntegerParam extends ApiParam<Optional<Integer>> {
    public IntegerParam(String input, String name) {
        super(input, name);
    }

    @Override
    protected Optional<Integer> parse(String input) {
        if (input == null || input.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Integer.parseInt(input));
        } catch (NumberFormatException e) {
            throw refused("{name} must be an integer, got '{input}'");
        }
    }
}
