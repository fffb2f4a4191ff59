package io.kindling.scheduler.api.params;

/** A byte offset into a file: 0 or more; 0 when absent or empty. */
public final class OffsetParam extends ApiParam<Long> {
    public OffsetParam(String input, String name) {
        super(input, name);
    }

    @Override
    protected Long parse(String input) {
        if (input == null || input.isEmpty()) {
            return 0L;
        }
        long n;
        try {
            n = Long.parseLong(input);
        } catch (NumberFormatException e) {
            throw refused("{name} must be an integer, got '{input}'");
        }
        if (n < 0) {
            throw refused("{name} must be 0 or more, got {input}");
        }
        return n;
    }
}
