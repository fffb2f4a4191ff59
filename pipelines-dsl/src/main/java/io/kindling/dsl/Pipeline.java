package io.kindling.dsl;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One validated pipeline definition. Built only by {@link PipelineParser}, so every instance is valid:
 * ids are well formed, dependencies exist, the graph is acyclic, templates name known variables.
 *
 * @param file        the file it was read from
 * @param contentHash SHA-256 (hex) of the file's bytes plus the bytes of every sql_file it reads
 * @param source      the YAML text as read
 */
public record Pipeline(
        String id,
        String description,
        Optional<Schedule> schedule,
        int maxActiveRuns,
        Map<String, String> params,
        Alerts alerts,
        List<Task> tasks,
        Path file,
        String contentHash,
        String source) {

    public Pipeline {
        requireNonNull(id, "id is null");
        description = description == null ? "" : description;
        requireNonNull(schedule, "schedule is null");
        params = Map.copyOf(params);
        requireNonNull(alerts, "alerts is null");
        tasks = List.copyOf(tasks);
        requireNonNull(file, "file is null");
        requireNonNull(contentHash, "contentHash is null");
        requireNonNull(source, "source is null");
    }

    public Optional<Task> task(String taskId) {
        return tasks.stream().filter(t -> t.id().equals(taskId)).findFirst();
    }
}
