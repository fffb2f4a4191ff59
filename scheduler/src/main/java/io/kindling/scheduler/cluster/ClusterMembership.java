package io.kindling.scheduler.cluster;

import io.kindling.scheduler.core.RunEngine;
import io.kindling.scheduler.db.DaemonDao;
import io.kindling.scheduler.db.DaemonRecord;
import io.kindling.scheduler.db.RunStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This daemon's place among the daemons sharing the database. It registers a new life on start and takes over
 * what its previous life left; then, every heartbeat interval, it heartbeats, declares dead the daemons whose
 * heartbeat is older than the limit, adopts their unfinished runs (each run goes to exactly one daemon: the claim
 * is a conditional update), and carries out cancels that were asked of another daemon for runs it owns. A watcher of
 * its own fences the daemon when its {@link HeartbeatLease} runs out (heartbeats fail or the daemon was paused): the
 * engine starts nothing and stops the attempts it runs, before another daemon may take it for dead; a heartbeat that
 * gets through again lets the engine take its runs up again from the database.
 */
public final class ClusterMembership {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterMembership.class);
    /** How often the watcher looks at the lease: the fence comes at most this late. */
    private static final long WATCH_MILLIS = 100;

    private final DaemonDao daemons;
    private final RunStore runs;
    private final DaemonRecord self;
    private final Duration interval;
    private final Duration deadAfter;
    private final Clock clock;
    private final Runnable onDeclaredDead;
    private final HeartbeatLease lease;
    private RunEngine engine;
    private ScheduledExecutorService beats;
    private ScheduledExecutorService watcher;
    private volatile Instant lastBeat;
    private volatile long lastBeatOkNanos = System.nanoTime();
    private volatile String lastBeatError;
    private volatile boolean declaredDead;
    /** While the lease has run out: the engine is fenced until a heartbeat gets through. Guarded by this. */
    private boolean fenced;

    /**
     * @param runs           fenced for {@code self}
     * @param lease          renewed by each heartbeat that gets through; the engine is fenced when it runs out
     * @param onDeclaredDead called once if another daemon took this one for dead (it then runs nothing more)
     */
    public ClusterMembership(
            DaemonDao daemons,
            RunStore runs,
            DaemonRecord self,
            Duration interval,
            Duration deadAfter,
            HeartbeatLease lease,
            Clock clock,
            Runnable onDeclaredDead) {
        this.daemons = daemons;
        this.runs = runs;
        this.self = self;
        this.interval = interval;
        this.deadAfter = deadAfter;
        this.clock = clock;
        this.onDeclaredDead = onDeclaredDead;
        this.lease = lease;
    }

    public DaemonRecord self() {
        return self;
    }

    /**
     * Registers this life, ends the lives it replaces (earlier ones of its node) and those found dead, and takes
     * their unfinished runs. The engine then resumes them as its own on start.
     */
    public void join() {
        long started = System.nanoTime();
        daemons.register(self);
        lease.renew(started);
        lastBeatOkNanos = started;
        lastBeat = self.heartbeatAt();
        endLost(); // before the engine starts: its start takes these runs up
        List<String> adopted = adoptOrphans();
        LOG.info(
                "Daemon {} (node {}) joined; took over {} unfinished runs",
                self.daemonId(),
                self.node(),
                adopted.size());
    }

    /** Starts heartbeating; from now on the engine adopts runs of daemons that die. */
    public synchronized void startHeartbeats(RunEngine engine) {
        this.engine = engine;
        engine.fencedBy(this::fenced);
        beats = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "kindling-heartbeat");
            t.setDaemon(true);
            return t;
        });
        long every = Math.max(1, interval.toMillis());
        beats.scheduleWithFixedDelay(this::beat, every, every, TimeUnit.MILLISECONDS);
        // a thread of its own: the heartbeat's may hang on a database that does not answer
        watcher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "kindling-lease-watch");
            t.setDaemon(true);
            return t;
        });
        watcher.scheduleWithFixedDelay(this::watch, WATCH_MILLIS, WATCH_MILLIS, TimeUnit.MILLISECONDS);
    }

    /**
     * Whether the engine must start nothing and record no attempt's end now: the lease ran out (the engine is fenced
     * here and now if the watcher has not done it yet, so a daemon waking from a pause does nothing before it has
     * looked), or another daemon took this one for dead. Cheap: called by the engine before each start.
     */
    public synchronized boolean fenced() {
        watch();
        return fenced || declaredDead;
    }

    /** Fences the engine once the lease has run out. */
    synchronized void watch() {
        if (fenced || declaredDead || engine == null || !lease.ranOut()) {
            return;
        }
        fenced = true;
        String reason = "daemon " + self.daemonId() + " could not renew its heartbeat for " + lease.valid()
                + " (the database is unreachable, or the daemon was paused): it stops its attempts before another "
                + "daemon may take it for dead after " + deadAfter;
        LOG.error("{}. Nothing starts until a heartbeat gets through again.", reason);
        engine.suspend(reason);
    }

    /** Stops heartbeating and records a clean stop (the engine has released its runs by then). */
    public synchronized void leave() {
        if (watcher != null) {
            watcher.shutdownNow();
        }
        if (beats != null) {
            beats.shutdownNow();
            try {
                beats.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (!declaredDead) {
            daemons.markStopped(self.daemonId(), now(), "stopped");
        }
    }

    /** False once another daemon has taken this one for dead, and while it is fenced. */
    public synchronized boolean healthy() {
        return !declaredDead && !fenced;
    }

    /**
     * Why heartbeats have not got through for more than two intervals (the database is away, read-only or full), or
     * empty when they do.
     */
    public Optional<String> heartbeatFailing() {
        long silent = System.nanoTime() - lastBeatOkNanos;
        if (silent <= interval.multipliedBy(2).toNanos()) {
            return Optional.empty();
        }
        return Optional.of("no heartbeat has got through for "
                + Duration.ofNanos(silent).toSeconds() + " s" + (lastBeatError == null ? "" : ": " + lastBeatError));
    }

    /** True once another daemon has taken this one for dead: it must be restarted. */
    public boolean takenForDead() {
        return declaredDead;
    }

    public Optional<Instant> lastHeartbeat() {
        return Optional.ofNullable(lastBeat);
    }

    void beat() {
        try {
            long started = System.nanoTime(); // with now: the time the others judge this daemon by
            Instant now = now();
            if (!daemons.heartbeat(self.daemonId(), now)) {
                declaredDead = true;
                LOG.error(
                        "Daemon {} was taken for dead by another daemon (no heartbeat for {}): its runs have been "
                                + "adopted. It stops scheduling and running anything; restart it.",
                        self.daemonId(),
                        deadAfter);
                engine.fenceAll("this daemon was taken for dead by another daemon");
                onDeclaredDead.run();
                beats.shutdown();
                return;
            }
            lastBeat = now;
            lastBeatOkNanos = started;
            lastBeatError = null;
            lease.renew(started);
            resumeIfFenced();
            engine.retakeUnwritten();
            endLost();
            if (runs.hasOrphans()) {
                engine.adopt(
                        this::adoptOrphans,
                        "the daemon running the attempt stopped or died; adopted by daemon " + self.daemonId() + " ("
                                + self.node() + ")");
            }
            for (String runId : runs.cancelRequests()) {
                engine.cancel(runId);
            }
        } catch (RuntimeException e) {
            lastBeatError = e.toString();
            LOG.warn("Heartbeat of daemon {} failed: {}", self.daemonId(), e.toString());
        }
    }

    /**
     * A heartbeat got through again while fenced: the engine takes this daemon's runs up from the database. Not after
     * a heartbeat that itself took most of the lease (it waited for a connection): the time it wrote is that old, so
     * the fence would soon come again; the next quick one resumes.
     */
    private void resumeIfFenced() {
        synchronized (this) {
            if (!fenced || lease.remainingMillis() < lease.valid().toMillis() / 2) {
                return;
            }
            fenced = false;
        }
        String reason = "daemon " + self.daemonId() + " stopped the attempt when it could not renew its heartbeat "
                + "for " + lease.valid() + "; its heartbeat got through again";
        LOG.warn("{}: taking its runs up again", reason);
        try {
            engine.resume(reason);
        } catch (RuntimeException e) { // the database went away again: fenced until the next heartbeat gets through
            synchronized (this) {
                fenced = true;
            }
            engine.suspend("taking the runs up again failed: " + e.getMessage());
            throw e;
        }
    }

    private void endLost() {
        Instant now = now();
        for (DaemonRecord lost : daemons.lost(self.node(), self.daemonId(), now.minus(deadAfter))) {
            String reason = lost.node().equals(self.node())
                            && !lost.heartbeatAt().isBefore(now.minus(deadAfter))
                    ? "replaced by a new life of its node (daemon " + self.daemonId() + ")"
                    : "no heartbeat since " + lost.heartbeatAt() + "; taken for dead by daemon " + self.daemonId();
            if (daemons.markStopped(lost.daemonId(), now, reason)) {
                LOG.warn("Daemon {} (node {}): {}", lost.daemonId(), lost.node(), reason);
            }
        }
    }

    /** Claims the orphaned runs: on the engine thread once it runs, which takes them over in the same step. */
    private List<String> adoptOrphans() {
        List<String> adopted = runs.adoptOrphans();
        if (!adopted.isEmpty()) {
            LOG.info("Daemon {} adopted {} unfinished runs: {}", self.daemonId(), adopted.size(), adopted);
        }
        return adopted;
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }
}
