package io.kindling.scheduler.db;

import static io.kindling.scheduler.db.JdbiRunQueries.UNFINISHED;

import io.kindling.scheduler.model.RunRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.jdbi.v3.core.Jdbi;

/** Who owns which unfinished run: {@link JdbiRunStore}'s claims (adopt, release) and cancel requests. */
final class RunClaims {
    private final Jdbi jdbi;
    private final String owner;

    RunClaims(Jdbi jdbi, String owner) {
        this.jdbi = jdbi;
        this.owner = owner;
    }

    /** Unfinished runs (QUEUED or RUNNING) that are the owner's. */
    List<RunRecord> unfinishedRuns() {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT * FROM runs WHERE state IN (<states>) AND owner = :owner ORDER BY run_id""")
                .bindList("states", UNFINISHED)
                .bind("owner", owner)
                .map(Rows.RUN)
                .list());
    }

    /** An unfinished run that has no owner, or whose owner has stopped (cleanly, or declared dead). */
    private static final String ORPHAN = """
            state IN (<states>) AND (owner IS NULL
              OR owner NOT IN (SELECT daemon_id FROM daemons WHERE stopped_at IS NULL))""";

    boolean hasOrphans() {
        return jdbi.withHandle(h -> h.createQuery("SELECT 1 FROM runs WHERE " + ORPHAN + " LIMIT 1")
                .bindList("states", UNFINISHED)
                .mapTo(Integer.class)
                .findFirst()
                .isPresent());
    }

    /**
     * Claims for the owner the unfinished runs that have none, or whose owner has stopped (cleanly,
     * or declared dead by a daemon that saw its heartbeat go stale). Each run is claimed with a conditional update,
     * so when two daemons adopt at once each run goes to exactly one of them.
     *
     * @return the ids of the runs adopted
     */
    List<String> adoptOrphans() {
        return jdbi.withHandle(h -> {
            List<String> candidates = h.createQuery("SELECT run_id FROM runs WHERE " + ORPHAN + " ORDER BY run_id")
                    .bindList("states", UNFINISHED)
                    .mapTo(String.class)
                    .list();
            List<String> adopted = new ArrayList<>();
            for (String runId : candidates) {
                int claimed = h.createUpdate("UPDATE runs SET owner = :owner WHERE run_id = :run_id AND " + ORPHAN)
                        .bind("owner", owner)
                        .bind("run_id", runId)
                        .bindList("states", UNFINISHED)
                        .execute();
                if (claimed == 1) {
                    adopted.add(runId);
                }
            }
            return adopted;
        });
    }

    /** Gives up the owner's unfinished runs (a clean stop): the next daemon to look adopts them. */
    int releaseUnfinished() {
        return jdbi.withHandle(
                h -> h.createUpdate("UPDATE runs SET owner = NULL WHERE owner = :owner AND state IN (<states>)")
                        .bind("owner", owner)
                        .bindList("states", UNFINISHED)
                        .execute());
    }

    /** Asks whoever owns an unfinished run to cancel it. @return false when the run is not unfinished */
    boolean requestCancel(String runId, Instant at) {
        return jdbi.withHandle(h -> h.createUpdate("""
                        UPDATE runs SET cancel_requested_at = :at WHERE run_id = :run_id AND state IN (<states>)""")
                        .bind("at", at.toEpochMilli())
                        .bind("run_id", runId)
                        .bindList("states", UNFINISHED)
                        .execute())
                == 1;
    }

    /** This owner's unfinished runs that a cancel was asked for. */
    List<String> cancelRequests() {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT run_id FROM runs WHERE owner = :owner AND state IN (<states>)
                          AND cancel_requested_at IS NOT NULL""")
                .bind("owner", owner)
                .bindList("states", UNFINISHED)
                .mapTo(String.class)
                .list());
    }
}
