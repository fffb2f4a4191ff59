package io.kindling.scheduler.api.params;

/** {@code limit}: the size of a page of a list, 1 to {@value #MAX}; {@value #DEFAULT} when absent or empty. */
public final class LimitParam extends ApiParam<Integer> {
    public static final int DEFAULT = 50;
    public static final int MAX = 500;

    public LimitParam(String input, String name) {
        super(input, name);
    }

    @Override
    protected Integer parse(String input) {
        if (input == null || input.isEmpty()) {
            return DEFAULT;
        }
        int n;
        try {
            n = Integer.parseInt(input);
        } catch (NumberFormatException e) {
            throw refused("{name} must be an integer between 1 and " + MAX + ", got '{input}'");
        }
        if (n < 1 || n > MAX) {
            throw refused("{name} must be between 1 and " + MAX + ", got {input}");
        }
        return n;
    }
}
