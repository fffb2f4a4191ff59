package io.kindling.dsl;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@code tags:} and {@code owner:}, what people find a pipeline by: they change nothing about how it runs.
 *
 * @param tags  lower-case words ({@code [a-z0-9][a-z0-9_.:/-]*}, at most 64 characters), each once, in file order
 * @param owner who answers for the pipeline (a team, a person, an address): one line, at most 100 characters
 */
public record Labels(List<String> tags, Optional<String> owner) {
    public static final Labels NONE = new Labels(List.of(), Optional.empty());
    static final Pattern TAG = Pattern.compile("[a-z0-9][a-z0-9_.:/-]{0,63}");
    static final String TAG_RULE =
            "a tag is lower-case letters, digits and _ . : / - (starting with a letter or digit), at most 64 characters";
    private static final int OWNER_MAX = 100;

    public Labels {
        tags = List.copyOf(tags);
        requireNonNull(owner, "owner is null");
    }

    /** Reads {@code tags:} and {@code owner:} of a pipeline file, reporting bad ones where they are. */
    static Labels read(YamlMap map, Problems problems) {
        List<String> tags = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (YamlMap.Scalar tag : map.scalars("tags").orElse(List.of())) {
            if (!TAG.matcher(tag.value()).matches()) {
                problems.at(tag.node(), "tags: invalid tag '" + tag.value() + "': " + TAG_RULE);
            } else if (!seen.add(tag.value())) {
                problems.at(tag.node(), "tags: '" + tag.value() + "' is listed twice");
            } else {
                tags.add(tag.value());
            }
        }
        Optional<String> owner = map.scalar("owner").flatMap(o -> {
            String value = o.value().strip();
            if (value.isEmpty() || value.length() > OWNER_MAX || value.contains("\n")) {
                problems.at(
                        o.node(),
                        "owner: expected one line of at most " + OWNER_MAX + " characters (a team, a person), got "
                                + YamlMap.describe(o.node()));
                return Optional.empty();
            }
            return Optional.of(value);
        });
        return new Labels(tags, owner);
    }
}
