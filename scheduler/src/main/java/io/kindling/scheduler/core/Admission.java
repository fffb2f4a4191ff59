package io.kindling.scheduler.core;

import io.kindling.executor.Executor;
import io.kindling.scheduler.core.ActiveRun.TaskSlot;
import io.kindling.scheduler.model.TaskState;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;

/**
 * Lanes and slots: which runs the engine drives and which wait their turn in their lane (max_active_runs), and
 * which tasks' attempts hold a slot of their executor and which wait for one. Touched only on the engine thread,
 * but for the free slot counts a gauge reads.
 */
final class Admission {
    private final Map<String, ExecutorSlots> executors = new HashMap<>();
    private final Map<String, PoolPlaces> pools = new HashMap<>();
    private final Map<String, ActiveRun> active = new HashMap<>();
    /** Runs held back by their lane's limit, oldest first, by lane. */
    private final Map<String, ArrayDeque<ActiveRun>> waiting = new HashMap<>();

    private final Map<String, Integer> activeByLane = new HashMap<>();
    /**
     * Runs this daemon may own RUNNING in the history without driving them: dropped when a write failed, or not
     * resumed after a restart. While there is any, a start counts every RUNNING run of its lane in the history.
     */
    private final Set<String> untracked = new HashSet<>();
    /** Set by a clean stop, or when this daemon learns it was taken for dead: nothing new starts. */
    private boolean draining;
    /** The attempts a fenced daemon cancels at once, from any thread. */
    final RunningAttempts running = new RunningAttempts();
    /** True while this daemon is fenced (its heartbeat lease ran out): nothing starts, for the time being. */
    private volatile BooleanSupplier fenced = () -> false;
    /** Completes when draining and no attempt holds a slot. */
    private final CompletableFuture<Void> drained = new CompletableFuture<>();

    /** @param slots each executor's task slots (1 when not given) */
    Admission(Map<String, Executor> executors, Map<String, Integer> slots) {
        executors.forEach(
                (name, executor) -> this.executors.put(name, new ExecutorSlots(executor, slots.getOrDefault(name, 1))));
    }

    /** Sets config.yml's pools, before the engine starts. */
    void definePools(Map<String, Integer> sizes) {
        sizes.forEach((name, size) -> pools.put(name, new PoolPlaces(name, size)));
    }

    /** The pool's places, or null when it is not configured. */
    PoolPlaces pool(String name) {
        return pools.get(name);
    }

    Set<String> poolNames() {
        return Set.copyOf(pools.keySet());
    }

    Set<String> executorNames() {
        return Set.copyOf(executors.keySet());
    }

    /** The executor's slots, or null when it is not configured. */
    ExecutorSlots slots(String executor) {
        return executors.get(executor);
    }

    /** The run if the engine is driving it, else null. */
    ActiveRun active(String runId) {
        return active.get(runId);
    }

    Collection<ActiveRun> activeRuns() {
        return List.copyOf(active.values());
    }

    /** The run if it is waiting its turn in a lane, else null. */
    ActiveRun waitingRun(String runId) {
        for (ArrayDeque<ActiveRun> queue : waiting.values()) {
            for (ActiveRun queued : queue) {
                if (queued.runId().equals(runId)) {
                    return queued;
                }
            }
        }
        return null;
    }

    /** The engine drives the run or has it waiting in a lane. */
    boolean holds(String runId) {
        return active.containsKey(runId) || waitingRun(runId) != null;
    }

    /** Every run the engine holds: those it drives, then those waiting in their lanes. */
    List<String> runIds() {
        List<String> ids = new ArrayList<>(active.keySet());
        waiting.values().forEach(queue -> queue.forEach(run -> ids.add(run.runId())));
        return ids;
    }

    /**
     * True when the run may start now; otherwise it waits its turn behind the running ones of its lane, and behind
     * those already waiting (for other daemons' runs to end) unless it is the one just taken from the queue's head.
     */
    boolean admit(ActiveRun run, boolean fromQueue) {
        ArrayDeque<ActiveRun> queue = waiting.get(run.lane.key());
        if (stopped()
                || activeByLane.getOrDefault(run.lane.key(), 0) >= run.lane.maxActive()
                || (!fromQueue && queue != null && !queue.isEmpty())) {
            waiting.computeIfAbsent(run.lane.key(), k -> new ArrayDeque<>()).add(run);
            return false;
        }
        return true;
    }

    void track(ActiveRun run) {
        active.put(run.runId(), run);
        activeByLane.merge(run.lane.key(), 1, Integer::sum);
    }

    /**
     * The lane's runs this daemon drives, for {@link io.kindling.scheduler.db.RunStore#startRunInLane}: the history
     * then counts only other daemons' running runs. Empty while some run may be RUNNING here unbeknown to the engine.
     */
    OptionalInt runningHere(Lane lane) {
        return untracked.isEmpty() ? OptionalInt.of(activeByLane.getOrDefault(lane.key(), 0)) : OptionalInt.empty();
    }

    /** The run may be RUNNING and this daemon's in the history while the engine does not drive it. */
    void untracked(String runId) {
        untracked.add(runId);
    }

    /** The run is being taken up again: the engine drives it, or learns it has ended. */
    void trackedAgain(String runId) {
        untracked.remove(runId);
    }

    /** Stops driving the run, or takes it out of its lane's queue: the run, or null when the engine held neither. */
    ActiveRun drop(String runId) {
        ActiveRun run = active.remove(runId);
        if (run != null) {
            activeByLane.merge(run.lane.key(), -1, Integer::sum);
            return run;
        }
        run = waitingRun(runId);
        if (run != null) {
            waiting.get(run.lane.key()).remove(run);
        }
        return run;
    }

    /** Puts a run that could not start back at the head of its lane's queue. */
    void waitFirst(ActiveRun run) {
        waiting.computeIfAbsent(run.lane.key(), k -> new ArrayDeque<>()).addFirst(run);
    }

    /** Whether a run of the lane waits and the lane has room for it among the runs this daemon drives. */
    boolean hasRoom(Lane lane) {
        ArrayDeque<ActiveRun> queue = waiting.get(lane.key());
        return queue != null && !queue.isEmpty() && activeByLane.getOrDefault(lane.key(), 0) < lane.maxActive();
    }

    /** The run that waited longest in the lane, taken out of it; null when none waits or nothing new starts. */
    ActiveRun nextInLane(Lane lane) {
        ArrayDeque<ActiveRun> queue = waiting.get(lane.key());
        return queue != null && !queue.isEmpty() && !stopped() ? queue.poll() : null;
    }

    void fencedBy(BooleanSupplier fenced) {
        this.fenced = fenced;
    }

    /** Whether the daemon is fenced now: asked before each start, and of each attempt's end. */
    boolean fenced() {
        return fenced.getAsBoolean();
    }

    private boolean stopped() {
        return draining || fenced.getAsBoolean();
    }

    /** Nothing new starts from now on. */
    void drain() {
        draining = true;
    }

    /** {@link #drain}, and what completes once no attempt holds a slot. */
    CompletableFuture<Void> drained() {
        draining = true;
        if (idle()) {
            drained.complete(null);
        }
        return drained;
    }

    /** The task takes a free slot of its executor or place of its pool (true), or waits for one in line. */
    boolean take(Places places, ActiveRun run, TaskSlot task) {
        if (places.free > 0 && !places.fullElsewhere && !stopped()) {
            places.free--;
            places.hold(task, true);
            return true;
        }
        places.add(new Places.Waiting(run, task));
        return false;
    }

    /** An attempt followed again after a restart takes its slot (or place) back. */
    void retake(Places places, TaskSlot task) {
        places.free--;
        places.hold(task, true);
    }

    /**
     * Passes a slot (or place) given back to the next task waiting for one, which holds it then and is returned; when
     * none waits (or nothing new starts, or the history said other daemons fill these places), it is free again and
     * null is returned.
     */
    Places.Waiting handOver(Places places) {
        Places.Waiting next = nextWaiting(places);
        if (next != null) {
            return next;
        }
        places.free++;
        if (draining && idle()) {
            drained.complete(null);
        }
        return null;
    }

    /** Gives a slot (or place) of a task whose start the history refused back, to no one: it waits again first. */
    void refused(Places places, ActiveRun run, TaskSlot task) {
        places.hold(task, false);
        places.free++;
        places.addFirst(new Places.Waiting(run, task));
        if (draining && idle()) {
            drained.complete(null);
        }
    }

    /** The next task waiting for a free slot (or place), which holds it then; null when none may take one. */
    Places.Waiting nextWaiting(Places places) {
        Places.Waiting next;
        while (!stopped() && !places.fullElsewhere && (next = places.poll()) != null) {
            // not skipped by a cancel while it waited, nor dropped with its run
            if (next.task().state() == TaskState.QUEUED && !next.run().abandoned) {
                places.hold(next.task(), true);
                return next;
            }
        }
        return null;
    }

    /** A free slot (or place) goes to the next task waiting for one: that task, or null. */
    Places.Waiting takeFree(Places places) {
        if (places.free <= 0) {
            return null;
        }
        Places.Waiting next = nextWaiting(places);
        if (next != null) {
            places.free--;
        }
        return next;
    }

    /** No attempt holds a slot, but those on clusters, which go on without the daemon and are followed again. */
    private boolean idle() {
        for (ExecutorSlots slots : executors.values()) {
            if (slots.free < slots.capacity && !slots.executor.canAttach()) {
                return false;
            }
        }
        return true;
    }

    /** The attempt runs on a cluster under a recorded id: a later owner follows it again rather than rerun it. */
    boolean reattachable(ActiveRun run, TaskSlot task) {
        if (task.handle instanceof ChildRuns.Child) {
            return true; // a run_pipeline attempt: whoever drives the run next follows the run it made
        }
        if (task.handle instanceof ForEachRuns.Group) {
            return true; // a for-each: whoever drives the run next goes on with its recorded iterations
        }
        return task.handle != null
                && task.handle.remoteId().isPresent()
                && executors
                        .get(run.dag.tasks.get(task.index).executor())
                        .executor
                        .canAttach();
    }
}
