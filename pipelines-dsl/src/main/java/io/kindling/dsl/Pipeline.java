package io.kindling.dsl;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * One validated pipeline definition. Built only by {@link PipelineParser}, so every instance is valid:
 * ids are well formed, dependencies exist, the graph is acyclic, templates name known variables.
 *
 * @param params      the declared params, in file order
 * @param file        the file it was read from
 * @param contentHash SHA-256 (hex) of the file's bytes plus the bytes of every sql_file it reads
 * @param source      the YAML text as read
 * @param trigger     {@code trigger:}, runs started by upstream pipelines' runs (a pipeline has it or a schedule)
 * @param labels      {@code tags:} and {@code owner:}, for finding it
 * @param deadline    {@code deadline:}, by when each scheduled time's run must have started and succeeded
 * @param events      {@code trigger: {events: ...}}, the secret signed events to it are checked with
 * @param files       {@code trigger: {files: ...}}, runs started by files arriving in a folder (not with a schedule)
 * @param continuous  {@code trigger: continuous}: the daemon keeps one run of it going (it has no schedule)
 */
public record Pipeline(
        String id,
        String description,
        Optional<Schedule> schedule,
        int maxActiveRuns,
        Map<String, ParamSpec> params,
        Alerts alerts,
        List<Task> tasks,
        Path file,
        String contentHash,
        String source,
        Optional<UpstreamTrigger> trigger,
        Labels labels,
        Optional<Deadline> deadline,
        Optional<EventTrigger> events,
        Optional<FilesTrigger> files,
        boolean continuous) {

    public Pipeline {
        requireNonNull(id, "id is null");
        description = description == null ? "" : description;
        requireNonNull(schedule, "schedule is null");
        params = Collections.unmodifiableMap(new LinkedHashMap<>(params)); // file order, for messages
        requireNonNull(alerts, "alerts is null");
        tasks = List.copyOf(tasks);
        requireNonNull(file, "file is null");
        requireNonNull(contentHash, "contentHash is null");
        requireNonNull(source, "source is null");
        requireNonNull(trigger, "trigger is null");
        requireNonNull(labels, "labels is null");
        requireNonNull(deadline, "deadline is null");
        requireNonNull(events, "events is null");
        requireNonNull(files, "files is null");
    }

    /** A pipeline that no files trigger, and not {@code trigger: continuous}. */
    public Pipeline(
            String id,
            String description,
            Optional<Schedule> schedule,
            int maxActiveRuns,
            Map<String, ParamSpec> params,
            Alerts alerts,
            List<Task> tasks,
            Path file,
            String contentHash,
            String source,
            Optional<UpstreamTrigger> trigger,
            Labels labels,
            Optional<Deadline> deadline,
            Optional<EventTrigger> events) {
        this(
                id,
                description,
                schedule,
                maxActiveRuns,
                params,
                alerts,
                tasks,
                file,
                contentHash,
                source,
                trigger,
                labels,
                deadline,
                events,
                Optional.empty(),
                false);
    }

    /** A pipeline that takes no signed events. */
    public Pipeline(
            String id,
            String description,
            Optional<Schedule> schedule,
            int maxActiveRuns,
            Map<String, ParamSpec> params,
            Alerts alerts,
            List<Task> tasks,
            Path file,
            String contentHash,
            String source,
            Optional<UpstreamTrigger> trigger,
            Labels labels,
            Optional<Deadline> deadline) {
        this(
                id,
                description,
                schedule,
                maxActiveRuns,
                params,
                alerts,
                tasks,
                file,
                contentHash,
                source,
                trigger,
                labels,
                deadline,
                Optional.empty());
    }

    /** A pipeline without {@code deadline:}. */
    public Pipeline(
            String id,
            String description,
            Optional<Schedule> schedule,
            int maxActiveRuns,
            Map<String, ParamSpec> params,
            Alerts alerts,
            List<Task> tasks,
            Path file,
            String contentHash,
            String source,
            Optional<UpstreamTrigger> trigger,
            Labels labels) {
        this(
                id,
                description,
                schedule,
                maxActiveRuns,
                params,
                alerts,
                tasks,
                file,
                contentHash,
                source,
                trigger,
                labels,
                Optional.empty());
    }

    /** A pipeline without {@code tags:}, {@code owner:} or {@code deadline:}. */
    public Pipeline(
            String id,
            String description,
            Optional<Schedule> schedule,
            int maxActiveRuns,
            Map<String, ParamSpec> params,
            Alerts alerts,
            List<Task> tasks,
            Path file,
            String contentHash,
            String source,
            Optional<UpstreamTrigger> trigger) {
        this(
                id,
                description,
                schedule,
                maxActiveRuns,
                params,
                alerts,
                tasks,
                file,
                contentHash,
                source,
                trigger,
                Labels.NONE,
                Optional.empty());
    }

    /** A pipeline without {@code trigger:}. */
    public Pipeline(
            String id,
            String description,
            Optional<Schedule> schedule,
            int maxActiveRuns,
            Map<String, ParamSpec> params,
            Alerts alerts,
            List<Task> tasks,
            Path file,
            String contentHash,
            String source) {
        this(
                id,
                description,
                schedule,
                maxActiveRuns,
                params,
                alerts,
                tasks,
                file,
                contentHash,
                source,
                Optional.empty());
    }

    /** The zone of its runs' {@code ds} and {@code logical_time}: its schedule's, or its trigger's, or UTC. */
    public ZoneId zone() {
        return schedule.map(Schedule::timezone)
                .or(() -> trigger.map(UpstreamTrigger::timezone))
                .orElse(ZoneOffset.UTC);
    }

    /** The params of a run that no caller gave values to (a scheduled run, a backfill), as the history stores them. */
    public Map<String, String> defaultParams() {
        Map<String, String> texts = new LinkedHashMap<>();
        params.forEach((name, spec) -> spec.defaultText().ifPresent(text -> texts.put(name, text)));
        return texts;
    }

    /** {@link #defaultParams}, with {@link ParamSpec#example} for required params: for tools that run nothing. */
    public Map<String, String> exampleParams() {
        Map<String, String> texts = new LinkedHashMap<>();
        params.forEach((name, spec) -> texts.put(name, spec.text(spec.example())));
        return texts;
    }

    /**
     * The params of a run triggered with {@code given} (values decoded from JSON, or text from a command line), as
     * the history stores them: every default, replaced by the given values once each is checked.
     *
     * @throws IllegalArgumentException for a name the pipeline does not declare, a value its param refuses, or a
     *                                  required param not given; the message says which and why
     */
    public Map<String, String> paramsFor(Map<String, ?> given) {
        for (String name : given.keySet()) {
            if (!params.containsKey(name)) {
                throw new IllegalArgumentException("unknown param '" + name + "': pipeline '" + id + "' declares "
                        + (params.isEmpty() ? "none" : new TreeSet<>(params.keySet())));
            }
        }
        Map<String, String> texts = new LinkedHashMap<>(); // in declaration order
        List<String> missing = new ArrayList<>();
        for (ParamSpec spec : params.values()) {
            if (given.containsKey(spec.name())) {
                texts.put(spec.name(), spec.text(spec.check(given.get(spec.name()))));
            } else if (spec.defaultText().isPresent()) {
                texts.put(spec.name(), spec.defaultText().get());
            } else {
                missing.add(spec.name());
            }
        }
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException("pipeline '" + id + "' needs a value for "
                    + (missing.size() == 1 ? "param '" + missing.get(0) + "'" : "params " + missing)
                    + ": it has no default");
        }
        return texts;
    }

    public Optional<Task> task(String taskId) {
        return tasks.stream().filter(t -> t.id().equals(taskId)).findFirst();
    }
}
