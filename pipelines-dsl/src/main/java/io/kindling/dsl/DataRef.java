package io.kindling.dsl;

import static java.util.Objects.requireNonNull;

import java.util.Map;

/**
 * A dataset read as a task input or written as its output.
 *
 * @param format  a Spark data source name: json, parquet, csv, orc, text, delta...
 * @param path    relative paths are resolved by the executor against its working directory
 * @param mode    save mode for outputs (overwrite, append, error, ignore); "error" for inputs
 * @param options data source options (header, inferSchema, ...)
 */
public record DataRef(String format, String path, String mode, Map<String, String> options) {
    public DataRef {
        requireNonNull(format, "format is null");
        requireNonNull(path, "path is null");
        requireNonNull(mode, "mode is null");
        options = Map.copyOf(options);
    }

    public DataRef render(TemplateContext context) {
        return new DataRef(
                format,
                Templates.renderPath(path, context),
                mode,
                Templates.renderValues(options, v -> Templates.render(v, context)));
    }
}
