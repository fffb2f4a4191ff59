package io.kindling.dsl;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What templates and SQL parameter markers of one run may name.
 *
 * @param logicalTime the run's logical time: the scheduled fire time, or the trigger time of a manual run
 * @param zone        the pipeline's time zone; {@code ds} is the logical date in this zone
 * @param params      the run's params as the run history stores them (text, see {@link ParamType#format})
 * @param specs       the pipeline's declared params, which give each text its type and tell a caller's value
 *                    (checked before it is used in a path) from the author's default
 * @param secrets     where {@code secrets.NAME} values come from; {@link Secrets#NONE} unless set per attempt
 * @param triggerFiles the files that started the run ({@code trigger.files}), sorted: empty for a pipeline without
 *                     {@code trigger: {files: ...}}, an empty list for its runs no files started (a manual run)
 * @param taskValues   upstream tasks' values by task id, then value name: only those of the tasks the rendered task
 *                     reads ({@link Task#readsValuesOf()}), loaded for it; empty for any other
 * @param item         the item of the for-each iteration being rendered ({@code {{ item }}}, {@code :item}); empty
 *                     for any other task
 */
public record TemplateContext(
        String pipeline,
        String runId,
        Instant logicalTime,
        ZoneId zone,
        Map<String, String> params,
        Map<String, ParamSpec> specs,
        Secrets secrets,
        Optional<List<String>> triggerFiles,
        Map<String, Map<String, Object>> taskValues,
        Optional<Item> item) {
    /** A for-each iteration's item: any JSON-like value, null included. */
    public record Item(Object value) {}

    public TemplateContext {
        requireNonNull(pipeline, "pipeline is null");
        requireNonNull(runId, "runId is null");
        requireNonNull(logicalTime, "logicalTime is null");
        requireNonNull(zone, "zone is null");
        params = Map.copyOf(params);
        specs = Map.copyOf(specs);
        requireNonNull(secrets, "secrets is null");
        triggerFiles = triggerFiles.map(List::copyOf);
        Map<String, Map<String, Object>> values = new LinkedHashMap<>();
        taskValues.forEach((task, named) -> values.put(task, TaskValues.copy(named)));
        taskValues = java.util.Collections.unmodifiableMap(values);
        requireNonNull(item, "item is null");
    }

    /** A context of a task that is no for-each iteration. */
    public TemplateContext(
            String pipeline,
            String runId,
            Instant logicalTime,
            ZoneId zone,
            Map<String, String> params,
            Map<String, ParamSpec> specs,
            Secrets secrets,
            Optional<List<String>> triggerFiles,
            Map<String, Map<String, Object>> taskValues) {
        this(pipeline, runId, logicalTime, zone, params, specs, secrets, triggerFiles, taskValues, Optional.empty());
    }

    /** A context without task values. */
    public TemplateContext(
            String pipeline,
            String runId,
            Instant logicalTime,
            ZoneId zone,
            Map<String, String> params,
            Map<String, ParamSpec> specs,
            Secrets secrets,
            Optional<List<String>> triggerFiles) {
        this(pipeline, runId, logicalTime, zone, params, specs, secrets, triggerFiles, Map.of());
    }

    /** A context of a run no files started. */
    public TemplateContext(
            String pipeline,
            String runId,
            Instant logicalTime,
            ZoneId zone,
            Map<String, String> params,
            Map<String, ParamSpec> specs,
            Secrets secrets) {
        this(pipeline, runId, logicalTime, zone, params, specs, secrets, Optional.empty());
    }

    /** A context without secrets ({@link Secrets#NONE}); {@link #withSecrets} sets them per attempt. */
    public TemplateContext(
            String pipeline,
            String runId,
            Instant logicalTime,
            ZoneId zone,
            Map<String, String> params,
            Map<String, ParamSpec> specs) {
        this(pipeline, runId, logicalTime, zone, params, specs, Secrets.NONE);
    }

    /**
     * A context whose params are all strings written by the author (tools and tests): every value is its param's
     * default, so none is checked as a caller's.
     */
    public TemplateContext(
            String pipeline, String runId, Instant logicalTime, ZoneId zone, Map<String, String> params) {
        this(pipeline, runId, logicalTime, zone, params, authored(params));
    }

    /** The context of a run of {@code pipeline} whose history holds {@code params}. */
    public static TemplateContext of(
            Pipeline pipeline, String runId, Instant logicalTime, ZoneId zone, Map<String, String> params) {
        return new TemplateContext(
                pipeline.id(),
                runId,
                logicalTime,
                zone,
                params,
                pipeline.params(),
                Secrets.NONE,
                pipeline.files().map(f -> List.of()));
    }

    /** The same context resolving secrets from {@code store}. */
    public TemplateContext withSecrets(Secrets store) {
        return new TemplateContext(
                pipeline, runId, logicalTime, zone, params, specs, store, triggerFiles, taskValues, item);
    }

    /** The same context for a run that {@code files} started. */
    public TemplateContext withTriggerFiles(List<String> files) {
        return new TemplateContext(
                pipeline, runId, logicalTime, zone, params, specs, secrets, Optional.of(files), taskValues, item);
    }

    /** The same context with the values of the upstream tasks a task reads. */
    public TemplateContext withTaskValues(Map<String, Map<String, Object>> values) {
        return new TemplateContext(
                pipeline, runId, logicalTime, zone, params, specs, secrets, triggerFiles, values, item);
    }

    /** The same context for the for-each iteration whose item is {@code value}. */
    public TemplateContext withItem(Object value) {
        return new TemplateContext(
                pipeline,
                runId,
                logicalTime,
                zone,
                params,
                specs,
                secrets,
                triggerFiles,
                taskValues,
                Optional.of(new Item(value)));
    }

    /**
     * The iteration's item ({@code item}) or one of its fields ({@code item.<field>}).
     *
     * @throws IllegalArgumentException outside a for-each iteration, or when the item has no such field
     */
    public Object itemValue(String name) {
        Item current = item.orElseThrow(
                () -> new IllegalArgumentException("'" + name + "' is known only in the task of a for_each"));
        if (name.equals(TaskBody.ForEach.ITEM)) {
            return current.value();
        }
        String field = name.substring(TaskBody.ForEach.ITEM.length() + 1);
        if (current.value() instanceof Map<?, ?> map && map.containsKey(field)) {
            return map.get(field);
        }
        throw new IllegalArgumentException(
                "'" + name + "': the item " + TaskValues.text(current.value()) + " has no field '" + field + "'");
    }

    /**
     * The value {@code name} of task {@code task}, as {@code {{ tasks.<task>.values.<name> }}} names it.
     *
     * @throws IllegalArgumentException when that task published no such value in this run
     */
    public Object taskValue(String task, String name) {
        Map<String, Object> values = taskValues.get(task);
        if (values == null) {
            throw new IllegalArgumentException("task '" + task + "' has no values in this run (it has not succeeded,"
                    + " or it is not upstream of the task that reads them)");
        }
        if (!values.containsKey(name)) {
            throw new IllegalArgumentException("task '" + task + "' published no value '" + name + "'"
                    + (values.isEmpty()
                            ? " (it published none)"
                            : " (it published: " + String.join(", ", values.keySet()) + ")"));
        }
        return values.get(name);
    }

    /** The typed value of param {@code name}; the text is checked against its param again. */
    public Object value(String name) {
        return spec(name).read(text(name));
    }

    /** The text of param {@code name}, as templates outside SQL render it. */
    public String text(String name) {
        String text = params.get(name);
        if (text != null) {
            return text;
        }
        return spec(name)
                .defaultText()
                .orElseThrow(() ->
                        new IllegalArgumentException("param '" + name + "' has no value in this run and no default"));
    }

    /** Whether param {@code name}'s value came from whoever triggered the run rather than from the pipeline file. */
    public boolean fromCaller(String name) {
        return !spec(name).defaultText().equals(Optional.of(text(name)));
    }

    private ParamSpec spec(String name) {
        ParamSpec spec = specs.get(name);
        if (spec == null) {
            throw new IllegalArgumentException("template names unknown parameter 'params." + name + "'");
        }
        return spec;
    }

    private static Map<String, ParamSpec> authored(Map<String, String> params) {
        Map<String, ParamSpec> specs = new LinkedHashMap<>();
        params.forEach((name, text) -> specs.put(name, ParamSpec.of(name, ParamType.STRING, text)));
        return specs;
    }
}
