package io.kindling.dsl;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.stream.Collectors;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Reports every template placeholder that would name nothing at run time (a malformed {@code secrets.} name
 * included), where it was written; and every param placeholder in SQL, where params are bound as parameter markers
 * instead. A well-formed {@code {{ secrets.NAME }}} in SQL passes here: {@link SecretsInSql} refuses it.
 */
final class TemplateCheck {
    /**
     * A read of a task value, where it was written: {@code {{ tasks.<task>.values.<name> }}} or, {@code inSql}, the
     * marker {@code :tasks.<task>.<name>} ({@code name} empty when only {@code :tasks.<task>} was written).
     */
    record ValueRef(String task, String name, Node node, boolean inSql, String where) {}

    private final Set<String> paramNames;
    /** The reads of the task being read; null while no task is (the pipeline's defaults). */
    private List<ValueRef> refs;

    private final Problems problems;
    private final boolean triggerFiles;
    private final String known;

    /** @param triggerFiles whether the pipeline has {@code trigger: {files: ...}}, which gives {@code trigger.files} */
    TemplateCheck(Set<String> paramNames, boolean triggerFiles, Problems problems) {
        this.paramNames = Set.copyOf(paramNames);
        this.triggerFiles = triggerFiles;
        this.problems = problems;
        String params = paramNames.isEmpty()
                ? "params.<name>"
                : paramNames.stream().sorted().map(p -> "params." + p).collect(Collectors.joining(", "));
        this.known =
                "(known: ds, logical_time, run_id, pipeline, " + (triggerFiles ? "trigger.files, " : "") + params + ")";
    }

    /** Whether {@code {{ item }}} is known: while the task of a for_each is read. */
    private boolean itemKnown;

    /** Sets whether what is checked next is the task of a for_each, where {@code item} is known. */
    void itemKnown(boolean known) {
        itemKnown = known;
    }

    /** From now on, task value reads are collected for one task. */
    void beginTask() {
        refs = new ArrayList<>();
    }

    /** The task value reads since {@link #beginTask}. */
    List<ValueRef> endTask() {
        List<ValueRef> read = refs == null ? List.of() : List.copyOf(refs);
        refs = null;
        return read;
    }

    /** Checks a string written in the pipeline file at {@code node}. */
    void check(String text, Node node) {
        for (String name : Templates.unknownNames(text, paramNames, triggerFiles)) {
            if (!(itemKnown && Templates.isItem(name))) {
                problems.at(node, unknownMessage(name));
            }
        }
        Matcher m = Templates.PLACEHOLDER.matcher(text);
        while (m.find()) {
            Matcher value = TaskValues.TEMPLATE.matcher(m.group(1).strip());
            if (value.matches()) {
                read(new ValueRef(value.group(1), value.group(2), node, false, "{{ " + value.group() + " }}"));
            }
        }
        unclosed(text, node, "");
    }

    private void read(ValueRef ref) {
        if (refs == null) {
            problems.at(ref.node(), ref.where() + ": task values may be read in a task only, not in defaults:");
        } else {
            refs.add(ref);
        }
    }

    /** Records the {@code :tasks.<id>.<name>} markers of SQL written at {@code node} (of {@code fileName}, if any). */
    private void sqlMarkers(String sql, Node node, Optional<String> fileName) {
        for (TaskValues.Ref ref : TaskValues.sqlRefs(sql)) {
            String marker = ":tasks" + (ref.task().isEmpty() ? "" : "." + ref.task())
                    + (ref.name().isEmpty() ? "" : "." + ref.name());
            String where = fileName.map(f -> marker + " in " + f + " line " + TextPositions.lineOf(sql, ref.offset()))
                    .orElse(marker);
            if (ref.task().isEmpty()) {
                problems.at(node, where + ": write :tasks.<id>.<name> to read a value of an upstream task");
            } else {
                read(new ValueRef(ref.task(), ref.name(), node, true, where));
            }
        }
    }

    /** A {@code {{} that no {@code }}} closes would be left in the text as is: a typo, reported once. */
    private void unclosed(String text, Node node, String where) {
        if (text.contains("{{")
                && Templates.PLACEHOLDER.matcher(text).replaceAll("").contains("{{")) {
            problems.at(node, where + "'{{' opens a template placeholder that no '}}' closes");
        }
    }

    /** Checks SQL written in the pipeline file at {@code node}: built-ins only. */
    void checkSql(String sql, Node node) {
        Matcher m = Templates.PLACEHOLDER.matcher(sql);
        while (m.find()) {
            problem(m.group(1).strip()).ifPresent(message -> problems.at(node, message));
        }
        sqlMarkers(sql, node, Optional.empty());
        itemMarker(sql, node, "");
        unclosed(sql, node, "");
    }

    /** A marker that names nothing in SQL outside a for-each's task ({@code :item} followed by anything but a name). */
    private static final java.util.regex.Pattern ITEM_MARKER =
            java.util.regex.Pattern.compile("(?<![A-Za-z0-9_:]):item(?![A-Za-z0-9_])");

    /** {@code :item} outside the task of a for_each binds nothing (unless a param is named item): Spark would refuse it. */
    private void itemMarker(String sql, Node node, String where) {
        if (!itemKnown && !paramNames.contains(TaskBody.ForEach.ITEM)) {
            Matcher m = ITEM_MARKER.matcher(sql);
            if (m.find()) {
                problems.at(
                        node,
                        where + "the parameter marker :item is bound only in the task of a for_each (no param is"
                                + " named item)");
            }
        }
    }

    /** Checks the SQL of {@code fileName}, read because of the value at {@code node}: built-ins only. */
    void checkSqlFile(String sql, Node node, String fileName) {
        Matcher m = Templates.PLACEHOLDER.matcher(sql);
        while (m.find()) {
            String name = m.group(1).strip();
            String where = fileName + " line " + TextPositions.lineOf(sql, m.start());
            if (name.startsWith(Templates.PARAMS_PREFIX)
                    || name.equals(Templates.TRIGGER_FILES)
                    || name.startsWith(TaskValues.TEMPLATE_PREFIX)
                    || (itemKnown && Templates.isItem(name))) {
                problems.at(node, where + ": " + problem(name).orElseThrow());
            } else if (SecretNames.isReference(name) && problem(name).isPresent()) {
                problems.at(node, SecretNames.malformed(name) + " in " + where);
            } else if (problem(name).isPresent()) {
                problems.at(node, "unknown template variable '" + name + "' in " + where + " " + known);
            }
        }
        sqlMarkers(sql, node, Optional.of(fileName));
        itemMarker(sql, node, fileName + ": ");
        unclosed(sql, node, fileName + ": ");
    }

    private Optional<String> problem(String name) {
        if (name.startsWith(Templates.PARAMS_PREFIX)) {
            return Optional.of(Templates.sqlParamMessage(name.substring(Templates.PARAMS_PREFIX.length())));
        }
        if (triggerFiles && name.equals(Templates.TRIGGER_FILES)) {
            return Optional.of(Templates.TRIGGER_FILES_IN_SQL);
        }
        if (name.startsWith(TaskValues.TEMPLATE_PREFIX)) {
            return Optional.of(Templates.sqlTaskValueMessage(name));
        }
        if (Templates.isItem(name)) {
            return Optional.of(itemKnown ? Templates.SQL_ITEM : unknownMessage(name));
        }
        if (Templates.unknownNames("{{" + name + "}}", paramNames, triggerFiles).isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(unknownMessage(name));
    }

    private String unknownMessage(String name) {
        if (SecretNames.isReference(name)) {
            return SecretNames.malformed(name);
        }
        if (name.equals(Templates.TRIGGER_FILES)) {
            return "template variable 'trigger.files' is known only in a pipeline with trigger: {files: ...}";
        }
        if (name.startsWith(TaskValues.TEMPLATE_PREFIX)) {
            return "template variable '" + name + "' names no task value: write tasks.<id>.values.<name>";
        }
        if (Templates.isItem(name)) {
            return "template variable '" + name + "' is known only in the task of a for_each";
        }
        return "unknown template variable '" + name + "' " + known;
    }
}
