package io.kindling.dsl;

import java.io.StringReader;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.Optional;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.reader.ReaderException;

/**
 * Reads YAML text into SnakeYAML's node tree, which keeps every position, and never into Java objects. Limits
 * aliases (a "billion laughs" file fails fast), nesting and size, and refuses every tag but the standard
 * scalar, mapping and list tags.
 */
final class SafeYaml {
    static final int MAX_CODE_POINTS = 1024 * 1024;
    static final int MAX_COLLECTION_ALIASES = 20;
    static final int MAX_NESTING = 50;
    private static final Set<Tag> ALLOWED_TAGS =
            Set.of(Tag.STR, Tag.INT, Tag.FLOAT, Tag.BOOL, Tag.NULL, Tag.MAP, Tag.SEQ, Tag.TIMESTAMP);

    private SafeYaml() {}

    /** The document's root node, or empty after reporting why there is none. */
    static Optional<Node> compose(String text, Problems problems) {
        Node root;
        try {
            root = new Yaml(loaderOptions()).compose(new StringReader(text));
        } catch (MarkedYAMLException e) {
            problems.at(e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark(), syntaxMessage(e));
            return Optional.empty();
        } catch (ReaderException e) {
            int[] position = TextPositions.ofCodePoint(text, e.getPosition());
            problems.at(
                    position[0],
                    position[1],
                    "YAML syntax error: special characters are not allowed (U+"
                            + String.format("%04X", e.getCodePoint()) + ")");
            return Optional.empty();
        } catch (YAMLException e) {
            problems.at(1, 1, "YAML error: " + limitMessage(e));
            return Optional.empty();
        } catch (RuntimeException e) {
            problems.at(1, 1, "YAML error: " + e);
            return Optional.empty();
        }
        if (root == null || (root instanceof ScalarNode && root.getTag().equals(Tag.NULL))) {
            problems.at(1, 1, "empty pipeline file");
            return Optional.empty();
        }
        checkTags(root, problems);
        return Optional.of(root);
    }

    private static LoaderOptions loaderOptions() {
        LoaderOptions options = new LoaderOptions();
        options.setMaxAliasesForCollections(MAX_COLLECTION_ALIASES);
        options.setAllowRecursiveKeys(false);
        options.setNestingDepthLimit(MAX_NESTING);
        options.setCodePointLimit(MAX_CODE_POINTS);
        options.setMergeOnCompose(false);
        options.setProcessComments(false);
        // Nodes are only composed, never constructed into objects, so a tag cannot instantiate anything here;
        // letting the composer accept them means checkTags reports every one, with its position, not the first.
        options.setTagInspector(tag -> true);
        return options;
    }

    private static String syntaxMessage(MarkedYAMLException e) {
        String problem = e.getProblem() == null ? e.getMessage() : e.getProblem();
        if (e.getContext() == null) {
            return "YAML syntax error: " + problem;
        }
        String where = e.getContextMark() == null
                ? ""
                : " at line " + (e.getContextMark().getLine() + 1) + ", column "
                        + (e.getContextMark().getColumn() + 1);
        return "YAML syntax error: " + problem + " (" + e.getContext() + where + ")";
    }

    private static String limitMessage(YAMLException e) {
        String message = String.valueOf(e.getMessage());
        if (message.contains("aliases")) {
            return "too many aliases: at most " + MAX_COLLECTION_ALIASES
                    + " aliases (*name) of mappings or lists are allowed in a file";
        }
        return message;
    }

    /** Reports every node with a tag other than the standard ones; merge keys get their own message. */
    private static void checkTags(Node root, Problems problems) {
        Set<Node> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        Deque<Node> todo = new ArrayDeque<>();
        todo.push(root);
        while (!todo.isEmpty()) {
            Node node = todo.pop();
            if (!seen.add(node)) {
                continue;
            }
            if (!ALLOWED_TAGS.contains(node.getTag()) && !node.getTag().equals(Tag.MERGE)) {
                problems.at(node, "custom YAML tags are not allowed: " + shortTag(node.getTag()));
            }
            if (node instanceof MappingNode mapping) {
                for (NodeTuple tuple : mapping.getValue()) {
                    if (tuple.getKeyNode().getTag().equals(Tag.MERGE)) {
                        problems.at(
                                tuple.getKeyNode(),
                                "YAML merge keys (<<) are not supported; "
                                        + "use defaults: for settings shared by tasks");
                    }
                    todo.push(tuple.getValueNode());
                    todo.push(tuple.getKeyNode());
                }
            } else if (node instanceof SequenceNode sequence) {
                for (int i = sequence.getValue().size() - 1; i >= 0; i--) {
                    todo.push(sequence.getValue().get(i));
                }
            }
        }
    }

    private static String shortTag(Tag tag) {
        String value = tag.getValue();
        return value.startsWith(Tag.PREFIX) ? "!!" + value.substring(Tag.PREFIX.length()) : value;
    }
}
