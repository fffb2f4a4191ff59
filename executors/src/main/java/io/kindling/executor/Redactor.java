package io.kindling.executor;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Masks an attempt's secret values in text that leaves the task: log lines, errors. Each value is also masked
 * in its URL-encoded and Base64 forms, which is how secrets usually reach JDBC URLs and HTTP headers.
 * Best-effort on exact text: a value split across writes, or transformed otherwise, is not found.
 *
 * <p>Values shorter than {@value #MIN_LENGTH} characters are not masked: replacing every "a1" or "ok" would
 * make logs unreadable while hiding almost nothing, since so short a secret is guessable anyway.
 */
public record Redactor(Set<String> values) {
    public static final String MASK = "***";
    public static final int MIN_LENGTH = 4;
    public static final Redactor NONE = new Redactor(Set.of());

    public Redactor {
        values = Set.copyOf(values);
    }

    /** A redactor for {@code secrets} and their encoded forms, longest first so no part of one stays. */
    public static Redactor of(Collection<String> secrets) {
        Set<String> forms = new LinkedHashSet<>();
        for (String secret : secrets) {
            if (secret.length() < MIN_LENGTH) {
                continue;
            }
            forms.add(secret);
            forms.add(URLEncoder.encode(secret, StandardCharsets.UTF_8));
            byte[] bytes = secret.getBytes(StandardCharsets.UTF_8);
            forms.add(Base64.getEncoder().encodeToString(bytes));
            forms.add(Base64.getUrlEncoder().withoutPadding().encodeToString(bytes));
        }
        return new Redactor(forms);
    }

    public boolean isEmpty() {
        return values.isEmpty();
    }

    /** {@code text} with every value replaced by {@value #MASK}; null stays null. */
    public String mask(String text) {
        if (text == null || values.isEmpty()) {
            return text;
        }
        String masked = text;
        for (String value : ordered()) {
            masked = masked.replace(value, MASK);
        }
        return masked;
    }

    /** Longest first: a value that contains another is masked whole. */
    private List<String> ordered() {
        return values.stream()
                .sorted(Comparator.comparingInt(String::length).reversed().thenComparing(Comparator.naturalOrder()))
                .toList();
    }

    /** The values are the secrets themselves: never print them. */
    @Override
    public String toString() {
        return "Redactor[" + values.size() + " values]";
    }
}
