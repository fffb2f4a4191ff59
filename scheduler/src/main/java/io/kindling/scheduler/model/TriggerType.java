package io.kindling.scheduler.model;

import java.util.Locale;

/**
 * Why a run exists. Stored lower-case; the unique key on scheduled logical times applies to SCHEDULE only. A
 * repair is not a trigger: it reruns tasks inside an existing run.
 */
public enum TriggerType {
    SCHEDULE,
    MANUAL,
    BACKFILL,
    /** Started because upstream pipelines' runs ended as its {@code trigger: {after: ...}} waits for. */
    UPSTREAM,
    /** Started by an inbound event, {@code POST /api/v1/pipelines/{id}/events}; the run keeps the event's key. */
    EVENT,
    /** Started by new or changed files in the folder its {@code trigger: {files: ...}} watches; the run keeps them. */
    FILES,
    /** Made by the daemon for a {@code trigger: continuous} pipeline that had no run active; logical time = creation. */
    CONTINUOUS,
    /** Made by another pipeline's {@code run_pipeline} task; the run names that run and task as its parent. */
    PIPELINE;

    public String dbName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static TriggerType fromDb(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }
}
