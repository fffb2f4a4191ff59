package io.kindling.scheduler.alerts;

import java.time.Instant;

/**
 * Sends an event to one {@code webhooks:} entry in its format. The outbox worker and the test endpoint use the same
 * channels, so a test send proves what a real alert would do.
 */
public interface Channel {
    /**
     * @param at the time of the attempt (signatures carry it)
     * @throws InterruptedException when the daemon stops mid-send; the outbox sends it again later
     */
    Outcome send(Notice notice, Instant at) throws InterruptedException;
}
