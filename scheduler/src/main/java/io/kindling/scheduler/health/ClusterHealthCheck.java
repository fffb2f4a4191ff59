package io.kindling.scheduler.health;

import com.codahale.metrics.health.HealthCheck;
import io.kindling.scheduler.cluster.ClusterMembership;
import io.kindling.scheduler.schedule.CronScheduler;
import java.util.Optional;

/** The daemon is a live member of its cluster (not taken for dead by another) and Quartz is firing. */
public class ClusterHealthCheck extends HealthCheck {
    private final ClusterMembership membership;
    private final CronScheduler cron;

    public ClusterHealthCheck(ClusterMembership membership, CronScheduler cron) {
        this.membership = membership;
        this.cron = cron;
    }

    @Override
    protected Result check() {
        if (membership.takenForDead()) {
            return Result.unhealthy("taken for dead by another daemon, which adopted its runs: restart this one");
        }
        if (!membership.healthy()) {
            return Result.unhealthy("fenced: its heartbeat has not got through to the database for too long, so it "
                    + "stopped its attempts and starts nothing until it does (last heartbeat "
                    + membership.lastHeartbeat().map(Object::toString).orElse("none") + ")");
        }
        Optional<String> failing = membership.heartbeatFailing();
        if (failing.isPresent()) {
            return Result.unhealthy(
                    failing.get() + "; runs whose history could not be written are taken up again " + "when it does");
        }
        if (!cron.running()) {
            return Result.unhealthy("Quartz is not firing");
        }
        return Result.healthy("daemon " + membership.self().daemonId() + ", last heartbeat "
                + membership.lastHeartbeat().map(Object::toString).orElse("none"));
    }
}
