package io.kindling.scheduler.core;

import io.kindling.scheduler.core.ActiveRun.TaskSlot;

/**
 * A pool of config.yml ({@code pools:}) shared by tasks of any pipeline and executor: its free places on this daemon
 * and the tasks waiting for one. A task takes its place before its executor slot; the history counts places over
 * every daemon when the attempt starts.
 */
final class PoolPlaces extends Places {
    final String name;

    PoolPlaces(String name, int size) {
        super(size);
        this.name = name;
    }

    @Override
    void hold(TaskSlot task, boolean holds) {
        task.holdsPlace = holds;
    }
}
