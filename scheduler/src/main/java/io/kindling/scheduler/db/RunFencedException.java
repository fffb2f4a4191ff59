package io.kindling.scheduler.db;

/**
 * A write about a run this daemon no longer owns: another daemon adopted it (this one was taken for dead) or it
 * was released. Nothing was written; the daemon must stop driving the run.
 */
public final class RunFencedException extends RuntimeException {
    private final String runId;

    public RunFencedException(String runId, String owner) {
        super("run " + runId + " is no longer owned by daemon " + owner);
        this.runId = runId;
    }

    public String runId() {
        return runId;
    }
}
