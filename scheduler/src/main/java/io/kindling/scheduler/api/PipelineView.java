package io.kindling.scheduler.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.kindling.dsl.Durations;
import io.kindling.dsl.FilesTrigger;
import io.kindling.dsl.Pipeline;
import io.kindling.dsl.Task;
import io.kindling.dsl.TaskBody;
import io.kindling.dsl.UpstreamTrigger;
import io.kindling.scheduler.core.PipelineRegistry;
import io.kindling.scheduler.db.PipelineVersion;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A pipeline in the list ({@code detail} null, {@code recent_runs} its newest runs) or on its own page
 * ({@code recent_runs} null: the detail has them in full). {@code tags} is empty and {@code owner} absent when its
 * file names none. {@code continuous} is true for {@code trigger: continuous}, absent otherwise.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PipelineView(
        String id,
        String description,
        List<String> tags,
        String owner,
        String file,
        ScheduleView schedule,
        TriggerView trigger,
        EventsView events,
        String nextFireTime,
        boolean paused,
        String version,
        String gitCommit,
        String source,
        int taskCount,
        RunView lastRun,
        List<RecentRunView> recentRuns,
        List<String> loadErrors,
        Detail detail,
        FilesView files,
        Boolean continuous) {

    /** {@code trigger: {after: ...}}: the upstream pipelines a run waits for (docs/triggers.md). */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record TriggerView(List<AfterView> after, String match, String timezone, String onUpstreamRerun) {
        static TriggerView of(UpstreamTrigger t) {
            return new TriggerView(
                    t.after().stream()
                            .map(a -> new AfterView(a.pipeline(), a.state().yaml()))
                            .toList(),
                    t.match().yaml(),
                    t.timezone().getId(),
                    t.rerun() ? "trigger" : "ignore");
        }
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record AfterView(String pipeline, String state) {}

    /**
     * {@code trigger: {events: {secret: NAME}}}: signed events are taken besides those sent with a token (which any
     * pipeline takes). The secret's name, never its value.
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record EventsView(String secret) {}

    /** {@code trigger: {files: ...}}: the folder whose new or changed files start runs (docs/triggers.md). */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record FilesView(String path, String pattern, String settle, String minInterval) {
        static FilesView of(FilesTrigger f) {
            return new FilesView(
                    f.path(), f.pattern(), Durations.format(f.settle()), Durations.format(f.minInterval()));
        }
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record ScheduleView(String cron, String quartzCron, String timezone, boolean catchup, String dstGap) {}

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record TaskView(
            String id,
            String kind,
            List<String> dependsOn,
            String triggerRule,
            String executor,
            int retries,
            String timeout) {
        static TaskView of(Task t) {
            String kind = t.body() instanceof TaskBody.Sql
                    ? "sql"
                    : t.body() instanceof TaskBody.JavaClass
                            ? "class"
                            : t.body() instanceof TaskBody.Stream
                                    ? "stream"
                                    : t.body() instanceof TaskBody.ConditionCheck
                                            ? "condition"
                                            : t.body() instanceof TaskBody.Python
                                                    ? "python"
                                                    : t.body() instanceof TaskBody.Notebook
                                                            ? "notebook"
                                                            : t.body() instanceof TaskBody.RunPipeline
                                                                    ? "run_pipeline"
                                                                    : t.body() instanceof TaskBody.ForEach
                                                                            ? "for_each"
                                                                            : "submit";
            return new TaskView(
                    t.id(),
                    kind,
                    t.dependsOn(),
                    t.triggerRule().yamlName(),
                    t.executor(),
                    t.retry().retries(),
                    t.timeout().map(Duration::toString).orElse(null));
        }
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record VersionView(
            String contentHash, String gitCommit, String file, String loadedAt, Boolean current, String source) {
        public static VersionView of(PipelineVersion v, boolean current, boolean withSource) {
            return new VersionView(
                    v.contentHash(),
                    v.gitCommit().orElse(null),
                    v.filePath(),
                    v.loadedAt().toString(),
                    current,
                    withSource ? v.source() : null);
        }
    }

    /**
     * @param params     each param's default as text; "" for a param without one (required at trigger time)
     * @param paramTypes each param's type ({@code int}, {@code date}, {@code string}...)
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Detail(
            Map<String, String> params,
            Map<String, String> paramTypes,
            int maxActiveRuns,
            List<TaskView> tasks,
            String source,
            List<VersionView> versions,
            List<RunView> recentRuns) {}

    /**
     * @param loaded the definition in force, with its file's problems when that file is broken now (the
     *               pipeline then keeps running this last good version)
     */
    public static PipelineView of(
            PipelineRegistry.Loaded loaded,
            boolean paused,
            String nextFireTime,
            RunView lastRun,
            List<RecentRunView> recentRuns,
            Detail detail) {
        Pipeline p = loaded.pipeline();
        ScheduleView schedule = p.schedule()
                .map(s -> new ScheduleView(
                        s.expression(),
                        s.quartzCron(),
                        s.timezone().getId(),
                        s.catchup(),
                        s.dstGap().yaml()))
                .orElse(null);
        return new PipelineView(
                p.id(),
                p.description(),
                p.labels().tags(),
                p.labels().owner().orElse(null),
                p.file().toString(),
                schedule,
                p.trigger().map(TriggerView::of).orElse(null),
                p.events().map(e -> new EventsView(e.secret())).orElse(null),
                nextFireTime,
                paused,
                p.contentHash(),
                loaded.gitCommit().orElse(null),
                loaded.source(),
                p.tasks().size(),
                lastRun,
                recentRuns,
                loaded.problems().stream().map(Object::toString).toList(),
                detail,
                p.files().map(FilesView::of).orElse(null),
                p.continuous() ? Boolean.TRUE : null);
    }

    public static Detail detail(Pipeline p, List<VersionView> versions, List<RunView> recentRuns) {
        Map<String, String> defaults = new java.util.LinkedHashMap<>();
        Map<String, String> types = new java.util.LinkedHashMap<>();
        p.params().forEach((name, spec) -> {
            defaults.put(name, spec.defaultText().orElse(""));
            types.put(name, spec.type().yamlName());
        });
        return new Detail(
                defaults,
                types,
                p.maxActiveRuns(),
                p.tasks().stream().map(TaskView::of).toList(),
                p.source(),
                versions,
                recentRuns);
    }
}
