package io.kindling.dsl;

/**
 * Where {@code {{ secrets.NAME }}} placeholders get their values when a task is rendered for an attempt. The
 * DSL knows no store: the daemon and {@code kindling run} supply one; validation needs none.
 */
@FunctionalInterface
public interface Secrets {
    /** Renders every secret as {@value #MASK}: what is stored and shown in place of the real values. */
    Secrets MASKED = name -> Secrets.MASK;
    /** No store: every secret is unset, so rendering one fails the attempt rather than inserting "". */
    Secrets NONE = name -> {
        throw new IllegalArgumentException("secret '" + name + "' is not set (no secret store is configured)");
    };

    String MASK = "***";

    /**
     * The value of the secret {@code name} (already checked by {@link SecretNames#isValid}).
     *
     * @throws IllegalArgumentException when it is not set; the message says where it was looked for
     */
    String value(String name);
}
