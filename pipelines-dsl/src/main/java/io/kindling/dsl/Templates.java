package io.kindling.dsl;

import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one place that renders {@code {{ name }}} templates. Names: {@code params.<key>}, {@code ds}
 * (logical date, yyyy-MM-dd in the pipeline's zone), {@code logical_time} (ISO-8601 with offset, pipeline's
 * zone), {@code run_id}, {@code pipeline}, {@code secrets.<NAME>} (from the context's {@link Secrets}), and in a
 * pipeline with {@code trigger: {files: ...}} {@code trigger.files} (the files that started the run, comma-separated).
 * There are no expressions or filters: a name or an error.
 *
 * <p>SQL never gets a param's text: {@link #renderSql} renders only the built-ins, and the params (and built-ins)
 * are bound by Spark as the named parameter markers {@link #sqlArgs} gives ({@code :min_age}). A caller's value
 * rendered into a path by {@link #renderPath} may not leave the folder the author wrote.
 */
public final class Templates {
    /**
     * A placeholder; the name is {@code group(1).strip()}. Linear: the possessive class cannot hold a brace, so an
     * unclosed {@code {{} fails at once instead of backtracking over every split of the text after it.
     */
    static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{([^{}]*+)}}");

    private static final Set<String> BUILT_INS = ParamReader.BUILT_INS;
    static final String PARAMS_PREFIX = "params.";
    /** Outside SQL only, as params: file names are chosen by whoever writes the folder, not by the author. */
    public static final String TRIGGER_FILES = "trigger.files";

    private Templates() {}

    /** Renders every placeholder; a name that is not known is an {@link IllegalArgumentException}. */
    public static String render(String template, TemplateContext context) {
        return render(template, name -> valueOf(name, context));
    }

    /**
     * As {@link #render}, for a path (an input or output path, a submit jar): a param whose value came from a
     * caller must not reach outside the folder the author wrote around it, so its value may not hold {@code /},
     * {@code \}, {@code ..} or {@code :}, nor start with {@code ~}.
     */
    public static String renderPath(String template, TemplateContext context) {
        return render(template, name -> {
            String value = valueOf(name, context);
            if (name.startsWith(PARAMS_PREFIX) && context.fromCaller(name.substring(PARAMS_PREFIX.length()))) {
                pathProblem(value).ifPresent(problem -> {
                    throw new IllegalArgumentException("param '" + name.substring(PARAMS_PREFIX.length())
                            + "' is used in a path and its value " + ParamSpec.shown(value) + " " + problem
                            + ": a value given at trigger time may not hold /, \\, .., : or start with ~");
                });
            }
            if (isItem(name)) { // items may come from a caller's list param or from data: held to the same rule
                pathProblem(value).ifPresent(problem -> {
                    throw new IllegalArgumentException("{{ " + name + " }} is used in a path and its value "
                            + ParamSpec.shown(value) + " " + problem
                            + ": an item in a path may not hold /, \\, .., : or start with ~");
                });
            }
            return value;
        });
    }

    /**
     * Renders the built-ins of a SQL text. A param there is refused: its value is bound as a parameter marker
     * (see {@link #sqlArgs}), never pasted into the text. A secret is refused too (SQL text shows in plans and
     * errors). Validation refuses both first, so this is a last guard.
     */
    public static String renderSql(String sql, TemplateContext context) {
        return render(sql, name -> {
            if (name.startsWith(PARAMS_PREFIX)) {
                throw new IllegalArgumentException(sqlParamMessage(name.substring(PARAMS_PREFIX.length())));
            }
            if (SecretNames.isReference(name)) {
                throw new IllegalArgumentException("secrets may not appear in SQL text: {{ " + name + " }}");
            }
            if (name.equals(TRIGGER_FILES)) {
                throw new IllegalArgumentException(TRIGGER_FILES_IN_SQL);
            }
            if (name.startsWith(TaskValues.TEMPLATE_PREFIX)) {
                throw new IllegalArgumentException(sqlTaskValueMessage(name));
            }
            if (isItem(name)) {
                throw new IllegalArgumentException(SQL_ITEM);
            }
            return valueOf(name, context);
        });
    }

    /**
     * The values SQL statements bind to named parameter markers: every param, typed ({@link ParamType}), and the
     * built-ins {@code :ds} and {@code :run_id}, {@code :pipeline} (strings) and {@code :logical_time} (a
     * timestamp); for a pipeline with a files trigger also {@code :trigger_files} (a string, as {@code {{
     * trigger.files }}} renders; a param of that name wins).
     */
    public static Map<String, Object> sqlArgs(TemplateContext context) {
        Map<String, Object> args = new LinkedHashMap<>();
        context.triggerFiles().ifPresent(files -> args.put("trigger_files", String.join(",", files)));
        args.put("ds", ds(context));
        args.put("logical_time", context.logicalTime());
        args.put("run_id", context.runId());
        args.put("pipeline", context.pipeline());
        for (String name : context.specs().keySet()) {
            args.put(name, context.value(name));
        }
        // a for-each iteration's item, :item (:item.<field> for an object): validation refuses a param of that name
        context.item().ifPresent(item -> args.put(TaskBody.ForEach.ITEM, item.value()));
        return args;
    }

    /** What validation says about {@code {{ item }}} in SQL. */
    static final String SQL_ITEM = "{{ item }} is not allowed in SQL: use the parameter marker :item (:item.<field> for"
            + " an object, IDENTIFIER(:item) for a table name)";

    /** Whether a placeholder names a for-each iteration's item or one of its fields. */
    static boolean isItem(String name) {
        return name.equals(TaskBody.ForEach.ITEM) || ITEM_FIELD.matcher(name).matches();
    }

    private static final Pattern ITEM_FIELD = Pattern.compile("item\\.[A-Za-z0-9_]+");

    /**
     * The value one placeholder ({@code "{{ name }}"}, nothing around it) names, typed: a task value as published, a
     * param as its type reads it, {@code item} as it is; any other name renders to text.
     */
    static Object value(String placeholder, TemplateContext context) {
        Matcher m = PLACEHOLDER.matcher(placeholder.strip());
        if (!m.matches()) {
            return render(placeholder, context);
        }
        String name = m.group(1).strip();
        Matcher value = TaskValues.TEMPLATE.matcher(name);
        if (value.matches()) {
            return context.taskValue(value.group(1), value.group(2));
        }
        if (name.startsWith(PARAMS_PREFIX)) {
            return context.value(name.substring(PARAMS_PREFIX.length()));
        }
        if (isItem(name)) {
            return context.itemValue(name);
        }
        return valueOf(name, context);
    }

    static final String TRIGGER_FILES_IN_SQL = "{{ trigger.files }} is not allowed in SQL: file names come from whoever"
            + " writes the folder; use the parameter marker :trigger_files (the same list as one string)";

    /** What validation says about {@code {{ params.<name> }}} in SQL. */
    static String sqlParamMessage(String name) {
        return "{{ params." + name + " }} is not allowed in SQL: use the parameter marker :" + name
                + " (and IDENTIFIER(:" + name + ") for a table name)";
    }

    /** What validation says about {@code {{ tasks.<id>.values.<name> }}} in SQL. */
    static String sqlTaskValueMessage(String name) {
        Matcher m = TaskValues.TEMPLATE.matcher(name);
        String marker = m.matches() ? ":tasks." + m.group(1) + "." + m.group(2) : ":tasks.<id>.<name>";
        return "{{ " + name + " }} is not allowed in SQL: use the parameter marker " + marker + " (and IDENTIFIER("
                + marker + ") for a table name)";
    }

    /** Why a caller's value may not be part of a path, if it may not. */
    private static Optional<String> pathProblem(String value) {
        if (value.contains("..")) {
            return Optional.of("holds '..'");
        }
        for (String c : List.of("/", "\\", ":")) {
            if (value.contains(c)) {
                return Optional.of("holds '" + c + "'");
            }
        }
        return value.startsWith("~") ? Optional.of("starts with '~'") : Optional.empty();
    }

    private static String render(String template, UnaryOperator<String> value) {
        if (template.indexOf("{{") < 0) {
            return template;
        }
        Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder out = new StringBuilder(template.length() + 16);
        while (m.find()) {
            m.appendReplacement(
                    out, Matcher.quoteReplacement(value.apply(m.group(1).strip())));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static String ds(TemplateContext context) {
        return DateTimeFormatter.ISO_LOCAL_DATE.format(context.logicalTime().atZone(context.zone()));
    }

    private static String valueOf(String name, TemplateContext context) {
        switch (name) {
            case "ds":
                return ds(context);
            case "logical_time":
                return DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(
                        context.logicalTime().atZone(context.zone()));
            case "run_id":
                return context.runId();
            case "pipeline":
                return context.pipeline();
            case TRIGGER_FILES:
                return String.join(",", context.triggerFiles().orElse(List.of()));
            default:
                if (SecretNames.isReference(name)) {
                    return context.secrets()
                            .value(SecretNames.secretOf(name)
                                    .orElseThrow(() -> new IllegalArgumentException(SecretNames.malformed(name))));
                }
                if (name.startsWith(PARAMS_PREFIX)) {
                    return context.text(name.substring(PARAMS_PREFIX.length()));
                }
                Matcher value = TaskValues.TEMPLATE.matcher(name);
                if (value.matches()) {
                    return TaskValues.text(context.taskValue(value.group(1), value.group(2)));
                }
                if (isItem(name)) {
                    return TaskValues.text(context.itemValue(name));
                }
                throw new IllegalArgumentException("template names unknown variable '" + name + "'");
        }
    }

    /**
     * The placeholders of {@code template} that name nothing, given the parameter names a run will have.
     * Used by validation so that a typo is an error at load time, not an empty string at run time.
     */
    public static List<String> unknownNames(String template, Set<String> paramNames) {
        return unknownNames(template, paramNames, false);
    }

    /** As {@link #unknownNames(String, Set)}, knowing {@code trigger.files} when the pipeline has a files trigger. */
    public static List<String> unknownNames(String template, Set<String> paramNames, boolean triggerFiles) {
        List<String> unknown = new ArrayList<>();
        Matcher m = PLACEHOLDER.matcher(template);
        while (m.find()) {
            String name = m.group(1).strip();
            boolean known = BUILT_INS.contains(name)
                    || (triggerFiles && name.equals(TRIGGER_FILES))
                    || SecretNames.secretOf(name).isPresent()
                    || TaskValues.TEMPLATE.matcher(name).matches()
                    || (name.startsWith(PARAMS_PREFIX) && paramNames.contains(name.substring(PARAMS_PREFIX.length())));
            if (!known) {
                unknown.add(name);
            }
        }
        return unknown;
    }

    /** Applies {@code render} to every value, keeping the map's order. */
    public static <V> Map<String, V> renderValues(Map<String, V> values, UnaryOperator<V> render) {
        Map<String, V> out = new LinkedHashMap<>();
        values.forEach((k, v) -> out.put(k, render.apply(v)));
        return out;
    }
}
