package io.kindling.dsl;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.time.ZoneId;
import java.util.Map;

/**
 * What templates of one run may name.
 *
 * @param logicalTime the run's logical time: the scheduled fire time, or the trigger time of a manual run
 * @param zone        the pipeline's time zone; {@code ds} is the logical date in this zone
 * @param params      the pipeline's params merged with the trigger's overrides
 * @param secrets     where {@code secrets.NAME} values come from; {@link Secrets#NONE} unless set per attempt
 */
public record TemplateContext(String pipeline, String runId, Instant logicalTime, ZoneId zone,
                              Map<String, String> params, Secrets secrets) {
    public TemplateContext {
        requireNonNull(pipeline, "pipeline is null");
        requireNonNull(runId, "runId is null");
        requireNonNull(logicalTime, "logicalTime is null");
        requireNonNull(zone, "zone is null");
        params = Map.copyOf(params);
        requireNonNull(secrets, "secrets is null");
    }

    public TemplateContext(String pipeline, String runId, Instant logicalTime, ZoneId zone,
                           Map<String, String> params) {
        this(pipeline, runId, logicalTime, zone, params, Secrets.NONE);
    }

    /** The same context resolving secrets from {@code store}. */
    public TemplateContext withSecrets(Secrets store) {
        return new TemplateContext(pipeline, runId, logicalTime, zone, params, store);
    }
}
