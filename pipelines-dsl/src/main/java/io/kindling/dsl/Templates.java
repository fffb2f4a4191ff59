package io.kindling.dsl;

import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one place that renders {@code {{ name }}} templates. Names: {@code params.<key>}, {@code ds}
 * (logical date, yyyy-MM-dd in the pipeline's zone), {@code logical_time} (ISO-8601 with offset, pipeline's
 * zone), {@code run_id}, {@code pipeline}, {@code secrets.<NAME>} (from the context's {@link Secrets}). There are
 * no expressions or filters: a name or an error.
 */
public final class Templates {
    static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*([^{}]*?)\\s*}}");
    private static final Set<String> BUILT_INS = Set.of("ds", "logical_time", "run_id", "pipeline");
    private static final String PARAMS_PREFIX = "params.";

    private Templates() {
    }

    /** Renders every placeholder; a name that is not known is an {@link IllegalArgumentException}. */
    public static String render(String template, TemplateContext context) {
        if (template.indexOf("{{") < 0) {
            return template;
        }
        Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder out = new StringBuilder(template.length() + 16);
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(valueOf(m.group(1), context)));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static String valueOf(String name, TemplateContext context) {
        switch (name) {
            case "ds":
                return DateTimeFormatter.ISO_LOCAL_DATE.format(context.logicalTime().atZone(context.zone()));
            case "logical_time":
                return DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(context.logicalTime().atZone(context.zone()));
            case "run_id":
                return context.runId();
            case "pipeline":
                return context.pipeline();
            default:
                if (SecretNames.isReference(name)) {
                    return context.secrets().value(SecretNames.secretOf(name).orElseThrow(
                            () -> new IllegalArgumentException(SecretNames.malformed(name))));
                }
                if (name.startsWith(PARAMS_PREFIX)) {
                    String value = context.params().get(name.substring(PARAMS_PREFIX.length()));
                    if (value != null) {
                        return value;
                    }
                    throw new IllegalArgumentException("template names unknown parameter '" + name + "'");
                }
                throw new IllegalArgumentException("template names unknown variable '" + name + "'");
        }
    }

    /**
     * The placeholders of {@code template} that name nothing, given the parameter names a run will have.
     * Used by validation so that a typo is an error at load time, not an empty string at run time.
     */
    public static List<String> unknownNames(String template, Set<String> paramNames) {
        List<String> unknown = new ArrayList<>();
        Matcher m = PLACEHOLDER.matcher(template);
        while (m.find()) {
            String name = m.group(1);
            boolean known = BUILT_INS.contains(name) || SecretNames.secretOf(name).isPresent()
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
