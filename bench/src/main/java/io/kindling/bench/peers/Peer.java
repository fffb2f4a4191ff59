package io.kindling.bench.peers;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * A scheduler measured by the side-by-side workloads ({@code bin/kindling bench --peers ...}): Kindling or a peer
 * (Airflow, Dagster, Prefect). The harness ({@link PeerWorkloads}) calls, in order: {@link #install}, {@link #deploy},
 * {@link #start}, then triggers and reads the system's own recorded times, then {@link #close}, which always stops
 * every process the system started (also after a failure).
 */
public interface Peer extends AutoCloseable {
    /** Pipeline ids (Airflow DAG ids, Dagster job names, Prefect flow names) of the workloads. */
    String CHAIN = "kb_chain";

    String WIDE = "kb_wide";
    String ONE = "kb_one";

    static String cron(int i) {
        return "kb_cron_%03d".formatted(i);
    }

    /** "kindling", "airflow", ...: results.json's {@code system}. */
    String name();

    /** The column heading, with the version ("Airflow 3.3.2"). */
    String label();

    /** Installs the pinned version (or finds it installed); what was done, in a line. */
    String install() throws Exception;

    /**
     * Writes the workloads where the system reads them, before its start: the chain, the wide DAG, a one-task
     * pipeline for manual triggers and {@code crons} pipelines whose every-minute schedule is off until
     * {@link #enableSchedules}.
     */
    void deploy(PeerWorkloads.Sizes sizes) throws Exception;

    /** Starts the system as its docs recommend for one machine and returns once it is ready (see the README). */
    void start() throws Exception;

    /** Every live process of the system now (the started ones and their descendants, and any it uses alone). */
    List<ProcessHandle> processes() throws Exception;

    /** Triggers a run of {@code pipeline} now; its run id. */
    String trigger(String pipeline) throws Exception;

    /** Of {@code runIds} (runs of {@code pipeline}), those that have ended, with the system's own times. */
    Map<String, RunTimes> ended(String pipeline, Collection<String> runIds) throws Exception;

    /** The tasks of an ended run, with the system's own start and end times. */
    List<TaskTimes> tasks(String pipeline, String runId) throws Exception;

    /**
     * Cancels (or terminates, or marks failed: the system's way of stopping a run) the runs a workload left going when
     * it ran out of time, so that they do not load the workloads after it.
     */
    void cancel(String pipeline, Collection<String> runIds) throws Exception;

    /** Turns the cron pipelines' every-minute schedules on. */
    void enableSchedules() throws Exception;

    /** The scheduled fires of the cron pipelines scheduled at or after {@code from}, started or not (yet). */
    List<Fire> fires(Instant from) throws Exception;

    /**
     * A second variant of the chain and wide DAG to measure ({@code kb_chain} + suffix), such as Dagster's in-process
     * executor; null when there is none.
     */
    default String variant() {
        return null;
    }

    /** What the variant is, for its rows. */
    default String variantLabel() {
        return null;
    }

    /** What this system's "run start" and "task start" are, and its settings, for the notes. */
    String how();

    /** Stops every process the system started (the whole process trees), also after a failure. */
    @Override
    void close();

    record RunTimes(String state, boolean succeeded, Instant start, Instant end) {}

    record TaskTimes(String task, Instant start, Instant end) {}

    /** A scheduled fire: its scheduled time and when its run started (null when it has not started). */
    record Fire(String pipeline, Instant scheduled, Instant started) {}
}
