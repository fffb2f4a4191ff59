package io.kindling.scheduler.auth;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The pipelines a token or user is restricted to: a glob over pipeline ids where {@code *} matches any run of
 * characters and {@code ?} one character, e.g. {@code sales_*}. Ids are {@code [a-z0-9_-]}, so nothing else is
 * allowed in a pattern either.
 */
public record PipelinePattern(String glob) {
    private static final Pattern VALID = Pattern.compile("[a-z0-9_*?-]{1,128}");

    public PipelinePattern {
        if (glob == null || !VALID.matcher(glob).matches()) {
            throw new IllegalArgumentException("pipelines must be a glob of pipeline ids such as 'sales_*' "
                    + "(a-z, 0-9, _, -, * and ?), got '" + glob + "'");
        }
    }

    /** Empty for null or blank: no restriction. */
    public static Optional<PipelinePattern> parse(String glob) {
        return glob == null || glob.isBlank() ? Optional.empty() : Optional.of(new PipelinePattern(glob.strip()));
    }

    /** Two-pointer glob matching: O(glob × id) at worst, with no backtracking blow-up on many stars. */
    public boolean matches(String id) {
        int g = 0;
        int i = 0;
        int star = -1;
        int afterStar = 0;
        while (i < id.length()) {
            if (g < glob.length() && (glob.charAt(g) == '?' || glob.charAt(g) == id.charAt(i))) {
                g++;
                i++;
            } else if (g < glob.length() && glob.charAt(g) == '*') {
                star = g++;
                afterStar = i;
            } else if (star >= 0) {
                g = star + 1;
                i = ++afterStar;
            } else {
                return false;
            }
        }
        while (g < glob.length() && glob.charAt(g) == '*') {
            g++;
        }
        return g == glob.length();
    }
}
