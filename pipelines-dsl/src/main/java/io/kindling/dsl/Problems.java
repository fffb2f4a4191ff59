package io.kindling.dsl;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.nodes.Node;

/** Collects the problems of one file; positions come from SnakeYAML marks (0-based) and are stored 1-based. */
final class Problems {
    private final Path file;
    private final List<Problem> problems = new ArrayList<>();

    Problems(Path file) {
        this.file = file;
    }

    Path file() {
        return file;
    }

    void at(int line, int column, String message) {
        problems.add(new Problem(file, line, column, message));
    }

    /** A problem found in another file the pipeline names (a notebook), at its own line and column. */
    void in(Path other, int line, int column, String message) {
        problems.add(new Problem(other, line, column, message));
    }

    void at(Mark mark, String message) {
        if (mark == null) {
            at(1, 1, message);
        } else {
            at(mark.getLine() + 1, mark.getColumn() + 1, message);
        }
    }

    void at(Node node, String message) {
        at(node.getStartMark(), message);
    }

    boolean isEmpty() {
        return problems.isEmpty();
    }

    /** How many were found so far: a reader compares before and after reading a part. */
    int size() {
        return problems.size();
    }

    /** Every problem in file order (a stable sort, so problems at one position keep the order found). */
    List<Problem> sorted() {
        List<Problem> copy = new ArrayList<>(problems);
        copy.sort(null);
        return copy;
    }
}
