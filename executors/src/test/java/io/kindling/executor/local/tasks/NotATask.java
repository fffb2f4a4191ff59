package io.kindling.executor.local.tasks;

/** Has a run method but does not implement SparkTask. */
public class NotATask {

    public void run() {}
}
