package io.kindling.scheduler.docs;

import static org.assertj.core.api.Assertions.assertThat;

import io.kindling.scheduler.support.TestDirs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every relative link in the repository's Markdown files resolves: {@code [text](path)} names a file or folder that
 * exists, and {@code [text](file.md#anchor)} (or {@code (#anchor)} within a file) names a heading of that file, by
 * GitHub's rule for heading anchors. Links in code blocks and code spans are not links, and are not checked.
 */
class DocLinksTest {
    private static final Set<String> SKIPPED_FOLDERS = Set.of("target", "node_modules", ".git");
    /** {@code [text](target)} or {@code [text](target "title")}, images included. */
    private static final Pattern LINK =
            Pattern.compile("\\[[^\\]\\n]*]\\(\\s*<?([^)\\s>]+)>?(?:\\s+\"[^\"]*\")?\\s*\\)");

    private static final Pattern SCHEME = Pattern.compile("^[a-zA-Z][a-zA-Z0-9+.-]*:");
    private static final Pattern HEADING = Pattern.compile("^ {0,3}#{1,6}\\s+(.*?)\\s*#*\\s*$");
    private static final Pattern FENCE = Pattern.compile("^ {0,3}(```|~~~)");
    private static final Pattern CODE_SPAN = Pattern.compile("(`+)(?s:.+?)\\1");

    private final Map<Path, Set<String>> anchors = new HashMap<>();

    @Test
    void everyRelativeLinkInTheMarkdownFilesResolves() throws IOException {
        Path root = TestDirs.repositoryRoot();
        List<Path> files = markdownFiles(root);
        assertThat(files).as("Markdown files under " + root).contains(root.resolve("README.md"));

        List<String> broken = new ArrayList<>();
        int checked = 0;
        for (Path file : files) {
            for (String target : links(file)) {
                if (SCHEME.matcher(target).find()) {
                    continue; // http:, https:, mailto: ... are not ours to check
                }
                checked++;
                String problem = problem(root, file, target);
                if (problem != null) {
                    broken.add(root.relativize(file) + ": (" + target + ") " + problem);
                }
            }
        }
        assertThat(broken)
                .as("broken links in the Markdown files (%d relative links checked)", checked)
                .isEmpty();
        assertThat(checked).as("relative links found").isGreaterThan(50);
    }

    @Test
    void anchorsFollowGitHubsRule() {
        assertThat(anchor("Run semantics (what we chose)")).isEqualTo("run-semantics-what-we-chose");
        assertThat(anchor("Durability: restarts and several daemons"))
                .isEqualTo("durability-restarts-and-several-daemons");
        assertThat(anchor("Spark in a child process (`mode: process`, the default)"))
                .isEqualTo("spark-in-a-child-process-mode-process-the-default");
        assertThat(anchor("The SPI (`io.kindling.executor`)")).isEqualTo("the-spi-iokindlingexecutor");
        assertThat(anchor("`allow_unsafe_sql` and [links](x.md)")).isEqualTo("allow_unsafe_sql-and-links");
    }

    /** Why the link does not resolve, or null when it does. */
    private String problem(Path root, Path from, String target) throws IOException {
        int hash = target.indexOf('#');
        String path = hash < 0 ? target : target.substring(0, hash);
        String anchor = hash < 0 ? null : target.substring(hash + 1);
        Path resolved;
        if (path.isEmpty()) {
            resolved = from;
        } else {
            path = java.net.URLDecoder.decode(path.replace("+", "%2B"), StandardCharsets.UTF_8);
            resolved = (path.startsWith("/")
                            ? root.resolve(path.substring(1))
                            : from.getParent().resolve(path))
                    .normalize();
        }
        if (!Files.exists(resolved)) {
            return "no such file: " + root.relativize(resolved);
        }
        if (anchor == null
                || anchor.isEmpty()
                || !resolved.getFileName().toString().endsWith(".md")) {
            return null;
        }
        Set<String> known = anchors.computeIfAbsent(resolved, DocLinksTest::headingAnchors);
        return known.contains(anchor.toLowerCase(Locale.ROOT))
                ? null
                : "no heading with anchor #" + anchor + " in " + root.relativize(resolved);
    }

    private static List<Path> markdownFiles(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            return paths.filter(p -> p.getFileName().toString().endsWith(".md"))
                    .filter(Files::isRegularFile)
                    .filter(p -> {
                        for (Path part : root.relativize(p)) {
                            if (SKIPPED_FOLDERS.contains(part.toString())) {
                                return false;
                            }
                        }
                        return true;
                    })
                    .sorted()
                    .toList();
        }
    }

    /** The link targets of a Markdown file, outside code blocks and code spans. */
    private static List<String> links(Path file) throws IOException {
        List<String> targets = new ArrayList<>();
        StringBuilder prose = new StringBuilder();
        boolean inFence = false;
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (FENCE.matcher(line).find()) {
                inFence = !inFence;
                continue;
            }
            if (!inFence) {
                prose.append(line).append('\n');
            }
        }
        Matcher link = LINK.matcher(CODE_SPAN.matcher(prose).replaceAll(""));
        while (link.find()) {
            targets.add(link.group(1));
        }
        return targets;
    }

    /** The anchors GitHub gives the file's headings (a repeated one gets -1, -2, ...). */
    private static Set<String> headingAnchors(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        Set<String> found = new HashSet<>();
        Map<String, Integer> seen = new HashMap<>();
        boolean inFence = false;
        for (String line : lines) {
            if (FENCE.matcher(line).find()) {
                inFence = !inFence;
                continue;
            }
            Matcher heading = HEADING.matcher(line);
            if (!inFence && heading.matches()) {
                String anchor = anchor(heading.group(1));
                int n = seen.merge(anchor, 1, Integer::sum) - 1;
                found.add(n == 0 ? anchor : anchor + "-" + n);
            }
        }
        return found;
    }

    /**
     * GitHub's anchor for a heading: its text as rendered (a link's text, a code span's content), lower-cased,
     * punctuation other than '-' and '_' dropped, spaces turned into '-'.
     */
    static String anchor(String heading) {
        String text = heading.replaceAll("!?\\[([^\\]]*)]\\([^)]*\\)", "$1");
        return text.toLowerCase(Locale.ROOT)
                .replaceAll("[^\\p{L}\\p{N}\\p{M} _-]", "")
                .replace(' ', '-');
    }
}
