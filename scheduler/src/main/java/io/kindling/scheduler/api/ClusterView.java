package io.kindling.scheduler.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;

/**
 * The daemons sharing the database: those running, and those that stopped in the last hour.
 *
 * @param self the id of the daemon that answered
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record ClusterView(String self, List<Daemon> daemons) {

    /**
     * One life of one daemon.
     *
     * @param alive           running, with a heartbeat fresher than the cluster's limit
     * @param runs            the unfinished runs it drives
     * @param runningAttempts the attempts it is running now
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Daemon(
            String daemonId,
            String node,
            String host,
            long pid,
            String startedAt,
            String heartbeatAt,
            boolean alive,
            String stoppedAt,
            String stopReason,
            List<String> runs,
            List<String> runningAttempts) {}
}
