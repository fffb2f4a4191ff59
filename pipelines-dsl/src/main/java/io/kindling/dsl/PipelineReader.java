package io.kindling.dsl;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.SequenceNode;

/** Reads a composed pipeline file into a {@link Pipeline}, reporting every problem on the way. */
final class PipelineReader {
    static final Set<String> KEYS = Set.of(
            "pipeline",
            "description",
            "schedule",
            "max_active_runs",
            "params",
            "defaults",
            "alerts",
            "libraries",
            "trigger",
            "deadline",
            "tags",
            "owner",
            "tasks");
    private static final Set<String> SCHEDULE_KEYS = Set.of("cron", "timezone", "catchup", "dst_gap");
    private static final Set<String> ALERT_KEYS = Set.of(
            "on_failure",
            "on_success",
            "on_retry",
            "on_duration_over",
            "alert_after",
            "duration_anomaly",
            "volume_anomaly",
            "empty_output",
            "allow_empty_output");
    private static final Set<String> ANOMALY_KEYS = Set.of("k", "min_runs");
    private static final Set<String> DEADLINE_KEYS = Set.of("done_by", "zone", "after_schedule", "start_within");
    private static final Pattern TIME_OF_DAY = Pattern.compile("([01]?\\d|2[0-3]):([0-5]\\d)(?::([0-5]\\d))?");
    private static final Pattern ID = TaskReader.ID;
    private static final ZoneId UTC = ZoneId.of("UTC");

    /** What was read: the pipeline's id as far as readable, and the pipeline when the file had no problem. */
    record Read(Optional<YamlMap.Scalar> id, Optional<Pipeline> pipeline) {}

    private final ParserOptions options;
    private final Problems problems;
    /** {@code alerts.allow_empty_output} entries by task id, for their line once the tasks are read. */
    private final Map<String, YamlMap.Scalar> allowEmptyOutputNodes = new LinkedHashMap<>();

    PipelineReader(ParserOptions options, Problems problems) {
        this.options = options;
        this.problems = problems;
    }

    /**
     * @param bytes the file's bytes, first part of the content hash
     * @param text  the file's text, kept as the pipeline's source
     */
    Read read(Node root, byte[] bytes, String text) {
        if (!(root instanceof MappingNode)) {
            problems.at(
                    root,
                    "the top level of a pipeline file must be a mapping (pipeline:, tasks:, ...), got "
                            + YamlMap.describe(root));
            return new Read(Optional.empty(), Optional.empty());
        }
        YamlMap map = YamlMap.of(root, "pipeline", "pipeline", KEYS, problems).orElseThrow();
        Optional<YamlMap.Scalar> id = map.requiredScalar("pipeline");
        id.filter(i -> !ID.matcher(i.value()).matches())
                .ifPresent(
                        i -> problems.at(i.node(), "invalid pipeline id '" + i.value() + "': " + TaskReader.ID_RULE));
        String description = map.string("description").orElse("");
        Labels labels = Labels.read(map, problems);
        Optional<Schedule> schedule =
                map.map("schedule", "schedule", SCHEDULE_KEYS).flatMap(this::schedule);
        int maxActiveRuns = map.integer("max_active_runs", 1).orElse(1);
        boolean scalarTrigger = ContinuousReader.scalarTrigger(map);
        boolean continuous = scalarTrigger && ContinuousReader.isContinuous(map, problems);
        Optional<YamlMap> triggerMap =
                scalarTrigger ? Optional.empty() : map.map("trigger", "trigger", UpstreamTriggerReader.KEYS);
        Optional<UpstreamTrigger> trigger = triggerMap.flatMap(t -> new UpstreamTriggerReader(problems)
                .read(t, id.map(YamlMap.Scalar::value).orElse("")));
        Optional<EventTrigger> events = triggerMap.flatMap(t -> new UpstreamTriggerReader(problems).events(t));
        Optional<FilesTrigger> files = triggerMap.flatMap(t -> new FilesTriggerReader(problems).read(t));
        triggerMap.flatMap(t -> t.keyNode("files")).ifPresent(filesKey -> {
            if (schedule.isPresent()) {
                problems.at(
                        filesKey,
                        "trigger.files: a pipeline runs on a schedule or when files arrive, not both: remove one"
                                + " (or split it into two pipelines)");
            }
            if (triggerMap.get().has("after")) {
                problems.at(
                        filesKey,
                        "trigger.files: a pipeline runs after upstream pipelines or when files arrive, not both:"
                                + " remove one");
            }
        });
        if (trigger.isPresent() && schedule.isPresent()) {
            problems.at(
                    map.keyNode("trigger").orElseThrow(),
                    "trigger: a pipeline runs on a schedule or after upstream pipelines, not both: remove one");
        }
        if (continuous && schedule.isPresent()) {
            problems.at(
                    map.keyNode("trigger").orElseThrow(),
                    "trigger: a continuous pipeline keeps one run going and has no schedule: remove one");
        }
        ParamReader paramReader = new ParamReader(problems);
        Map<String, ParamSpec> params =
                map.value("params").map(paramReader::read).orElseGet(LinkedHashMap::new);
        schedule.map(s -> "scheduled runs")
                .or(() -> trigger.map(t -> "runs started by upstream pipelines"))
                .or(() -> files.map(f -> "runs started by arriving files"))
                .or(() -> continuous ? Optional.of("continuous runs") : Optional.empty())
                .ifPresent(kind -> params.values().stream()
                        .filter(ParamSpec::required)
                        .forEach(p -> problems.at(
                                map.keyNode("params").orElseThrow(),
                                "param '" + p.name() + "' has no default, but " + kind
                                        + " need one: give it a default, or remove the "
                                        + (schedule.isPresent() ? "schedule" : "trigger"))));
        TemplateCheck templates = new TemplateCheck(paramReader.names(), files.isPresent(), problems);
        TaskSettings defaults = map.map("defaults", "defaults", TaskSettings.KEYS)
                .map(d -> TaskSettings.read(d, options, templates, problems))
                .orElse(TaskSettings.NONE);
        defaults.checkRetryDelay(defaults, problems);
        Alerts alerts =
                map.map("alerts", "alerts", ALERT_KEYS).map(this::alerts).orElse(Alerts.NONE);
        Optional<Deadline> deadline =
                map.map("deadline", "deadline", DEADLINE_KEYS).flatMap(this::deadline);
        if (map.has("deadline") && !map.has("schedule") && trigger.isEmpty()) {
            problems.at(
                    map.keyNode("deadline").orElseThrow(),
                    "deadline: only a pipeline with a schedule, or one started after other pipelines (trigger:"
                            + " {after: ...}), has times to be late for: add one, or remove the deadline");
        }
        List<TaskReader.Draft> drafts = tasks(map, defaults, templates);
        if (continuous) {
            ContinuousReader.refuseRetries(map, problems);
        }
        checkAllowEmptyOutput(drafts);
        if (params.containsKey(TaskValues.TASKS)
                && drafts.stream().flatMap(d -> d.valueRefs().stream()).anyMatch(TemplateCheck.ValueRef::inSql)) {
            problems.at(
                    map.keyNode("params").orElseThrow(),
                    "param 'tasks': SQL here reads task values through the marker :tasks.<id>.<name>, so no param"
                            + " may be called tasks: rename it");
        }

        if (!problems.isEmpty() || id.isEmpty()) {
            return new Read(id, Optional.empty());
        }
        List<Task> tasks = drafts.stream().map(d -> d.task().orElseThrow()).toList();
        Pipeline pipeline = new Pipeline(
                id.get().value(),
                description,
                schedule,
                maxActiveRuns,
                params,
                alerts,
                tasks,
                problems.file(),
                hash(bytes, drafts),
                text,
                trigger,
                labels,
                deadline,
                events,
                files,
                continuous);
        return new Read(id, Optional.of(pipeline));
    }

    private List<TaskReader.Draft> tasks(YamlMap map, TaskSettings defaults, TemplateCheck templates) {
        List<TaskReader.Draft> drafts = new ArrayList<>();
        Optional<Node> node = map.required("tasks");
        if (node.isEmpty()) {
            return drafts;
        }
        if (!(node.get() instanceof SequenceNode list)) {
            problems.at(node.get(), "tasks: expected a list, got " + YamlMap.describe(node.get()));
            return drafts;
        }
        if (list.getValue().isEmpty()) {
            problems.at(list, "tasks: must list at least one task");
            return drafts;
        }
        SqlFiles files = new SqlFiles(problems.file(), problems);
        TaskBodyReader bodies = new TaskBodyReader(files, templates, problems);
        LibraryReader libraries = new LibraryReader(files, problems);
        TaskReader reader = new TaskReader(
                options, defaults, bodies, libraries, libraries.read(map, "pipeline"), templates, problems);
        for (int i = 0; i < list.getValue().size(); i++) {
            reader.read(list.getValue().get(i), i + 1).ifPresent(drafts::add);
        }
        List<DagValidator.Node> graph = new ArrayList<>();
        for (TaskReader.Draft draft : drafts) {
            draft.id().ifPresent(id -> graph.add(new DagValidator.Node(id, draft.dependsOn())));
        }
        new DagValidator(problems).check(graph);
        new TaskValueChecks(problems).check(drafts);
        return drafts;
    }

    private Optional<Schedule> schedule(YamlMap map) {
        Optional<YamlMap.Scalar> cron = map.requiredScalar("cron");
        Optional<String> quartz = cron.flatMap(c -> {
            try {
                String q = CronSchedules.toQuartz(c.value());
                if (CronSchedules.neverFires(q, Instant.now())) {
                    problems.at(
                            c.node(),
                            "cron: '" + c.value() + "' never fires: no date matches it from now on"
                                    + " (e.g. 30 February, 31 April, or a year that has passed)");
                    return Optional.<String>empty();
                }
                return Optional.of(q);
            } catch (IllegalArgumentException e) {
                problems.at(c.node(), e.getMessage());
                return Optional.<String>empty();
            }
        });
        Optional<ZoneId> zone = map.scalar("timezone").map(this::zone).orElse(Optional.of(UTC));
        boolean catchup = map.bool("catchup").orElse(false);
        Optional<Schedule.DstGap> dstGap =
                map.scalar("dst_gap").map(this::dstGap).orElse(Optional.of(Schedule.DstGap.RUN_AFTER));
        if (cron.isEmpty() || quartz.isEmpty() || zone.isEmpty() || dstGap.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Schedule(cron.get().value(), quartz.get(), zone.get(), catchup, dstGap.get()));
    }

    private Optional<Schedule.DstGap> dstGap(YamlMap.Scalar value) {
        for (Schedule.DstGap gap : Schedule.DstGap.values()) {
            if (gap.yaml().equals(value.value())) {
                return Optional.of(gap);
            }
        }
        problems.at(value.node(), "dst_gap: expected skip or run_after, got '" + value.value() + "'");
        return Optional.empty();
    }

    private Optional<ZoneId> zone(YamlMap.Scalar value) {
        return zone(value, problems);
    }

    /** A {@code timezone:} value as a zone, or a problem at it naming what would do. */
    static Optional<ZoneId> zone(YamlMap.Scalar value, Problems problems) {
        try {
            return Optional.of(ZoneId.of(value.value()));
        } catch (DateTimeException e) {
            problems.at(
                    value.node(),
                    "timezone: unknown time zone '" + value.value()
                            + "' (use an IANA name such as Europe/Berlin, America/New_York or UTC)");
            return Optional.empty();
        }
    }

    private Alerts alerts(YamlMap map) {
        Optional<Duration> over = map.duration("on_duration_over");
        if (over.isPresent() && over.get().isZero()) {
            problems.at(map.value("on_duration_over").orElseThrow(), "on_duration_over: must be longer than 0s");
        }
        int alertAfter = map.integer("alert_after", 1).orElse(1);
        Optional<DurationAnomaly> anomaly = map.map("duration_anomaly", "alerts.duration_anomaly", ANOMALY_KEYS)
                .flatMap(m -> {
                    Optional<Double> k =
                            factor(m, DurationAnomaly.DEFAULT_K, 1, "how many times the usual p95 is too slow");
                    int minRuns = m.integer("min_runs", 1).orElse(DurationAnomaly.DEFAULT_MIN_RUNS);
                    return k.map(factor -> new DurationAnomaly(factor, minRuns));
                });
        Optional<VolumeAnomaly> volume = map.map("volume_anomaly", "alerts.volume_anomaly", ANOMALY_KEYS)
                .flatMap(m -> {
                    Optional<Double> k =
                            factor(m, VolumeAnomaly.DEFAULT_K, Math.nextUp(1.0), "how many times off the usual output");
                    int minRuns = m.integer("min_runs", 1).orElse(VolumeAnomaly.DEFAULT_MIN_RUNS);
                    return k.map(factor -> new VolumeAnomaly(factor, minRuns));
                });
        return new Alerts(
                webhooks(map, "on_failure"),
                webhooks(map, "on_success"),
                webhooks(map, "on_retry"),
                over,
                alertAfter,
                anomaly,
                volume,
                map.bool("empty_output").orElse(true),
                emptyOutputAllowed(map));
    }

    /** {@code allow_empty_output:}: each must name a task of this pipeline with an {@code output:}. */
    private void checkAllowEmptyOutput(List<TaskReader.Draft> drafts) {
        allowEmptyOutputNodes.forEach((id, node) -> {
            Optional<TaskReader.Draft> draft = drafts.stream()
                    .filter(d ->
                            d.id().map(YamlMap.Scalar::value).filter(id::equals).isPresent())
                    .findFirst();
            if (draft.isEmpty()) {
                problems.at(node.node(), "allow_empty_output: no task '" + id + "' in this pipeline");
            } else if (draft.get().task().isPresent()
                    && !(draft.get().task().get().body() instanceof TaskBody.Sql sql
                            && sql.output().isPresent())) {
                problems.at(node.node(), "allow_empty_output: task '" + id + "' has no output: to be empty");
            }
        });
    }

    /** {@code allow_empty_output:}: task ids, checked against the tasks once they are read. */
    private List<String> emptyOutputAllowed(YamlMap map) {
        List<String> ids = new ArrayList<>();
        for (YamlMap.Scalar id : map.scalars("allow_empty_output").orElse(List.of())) {
            ids.add(id.value());
            allowEmptyOutputNodes.put(id.value(), id);
        }
        return ids;
    }

    /** The {@code k:} of an anomaly check, at least {@code min}; empty (a problem said) when it is not. */
    private Optional<Double> factor(YamlMap map, double byDefault, double min, String meaning) {
        int before = problems.size();
        double k = byDefault;
        Optional<YamlMap.Scalar> kText = map.scalar("k");
        if (kText.isPresent()) {
            try {
                k = Double.parseDouble(kText.get().value());
            } catch (NumberFormatException e) {
                k = Double.NaN;
            }
            if (!(k >= min) || Double.isInfinite(k)) {
                problems.at(
                        kText.get().node(),
                        "k: expected a number " + (min > 1 ? "above 1" : "of at least 1") + " (" + meaning + "), got '"
                                + kText.get().value() + "'");
            }
        }
        return problems.size() > before ? Optional.empty() : Optional.of(k);
    }

    private Optional<Deadline> deadline(YamlMap map) {
        int before = problems.size();
        Optional<LocalTime> doneBy = map.scalar("done_by").flatMap(t -> {
            java.util.regex.Matcher m = TIME_OF_DAY.matcher(t.value());
            if (!m.matches()) {
                problems.at(
                        t.node(), "done_by: expected a time of day as HH:MM (e.g. \"07:00\"), got '" + t.value() + "'");
                return Optional.empty();
            }
            return Optional.of(LocalTime.of(
                    Integer.parseInt(m.group(1)),
                    Integer.parseInt(m.group(2)),
                    m.group(3) == null ? 0 : Integer.parseInt(m.group(3))));
        });
        Optional<ZoneId> zone = map.scalar("zone").flatMap(this::zone);
        Optional<Duration> afterSchedule = map.duration("after_schedule");
        Optional<Duration> startWithin = map.duration("start_within");
        if (map.has("zone") && !map.has("done_by")) {
            problems.at(map.keyNode("zone").orElseThrow(), "zone: is the zone of done_by; add done_by or remove it");
        }
        if (map.has("done_by") && map.has("after_schedule")) {
            problems.at(
                    map.keyNode("after_schedule").orElseThrow(),
                    "after_schedule: a deadline is done_by (a time of day) or after_schedule (a duration), not both");
        }
        afterSchedule
                .filter(Duration::isZero)
                .ifPresent(d -> problems.at(
                        map.value("after_schedule").orElseThrow(), "after_schedule: must be longer than 0s"));
        startWithin
                .filter(Duration::isZero)
                .ifPresent(d ->
                        problems.at(map.value("start_within").orElseThrow(), "start_within: must be longer than 0s"));
        if (!map.has("done_by") && !map.has("after_schedule") && !map.has("start_within")) {
            problems.at(map.start(), "deadline: expected done_by, after_schedule or start_within");
        }
        if (problems.size() > before) {
            return Optional.empty();
        }
        return Optional.of(new Deadline(doneBy, zone, afterSchedule, startWithin));
    }

    private List<String> webhooks(YamlMap map, String key) {
        List<String> names = new ArrayList<>();
        for (YamlMap.Scalar name : map.scalars(key).orElse(List.of())) {
            options.webhooks()
                    .filter(known -> !known.contains(name.value()))
                    .ifPresent(known -> problems.at(
                            name.node(),
                            "unknown webhook '" + name.value() + "' in " + key + " (known: "
                                    + String.join(", ", new TreeSet<>(known)) + ")"
                                    + Suggestions.hint(name.value(), known)));
            names.add(name.value());
        }
        return names;
    }

    /**
     * SHA-256 of the file's bytes followed by the bytes of each sql_file, in task order, and then the SHA-256 of each
     * library jar (so a changed jar is a new version).
     */
    private static String hash(byte[] bytes, List<TaskReader.Draft> drafts) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(bytes);
            drafts.forEach(d -> d.sqlFile().ifPresent(f -> sha.update(f.bytes())));
            drafts.stream()
                    .flatMap(d -> d.task().stream())
                    .flatMap(t -> t.libraries().stream())
                    .filter(Library.Jar.class::isInstance)
                    .map(jar -> ((Library.Jar) jar).sha256())
                    .distinct()
                    .forEach(jarSha -> sha.update(jarSha.getBytes(StandardCharsets.US_ASCII)));
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
