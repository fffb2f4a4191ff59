package io.kindling.scheduler.resources;

import io.kindling.scheduler.api.ClusterView;
import io.kindling.scheduler.auth.Callers;
import io.kindling.scheduler.auth.Role;
import io.kindling.scheduler.db.DaemonDao;
import io.kindling.scheduler.db.DaemonRecord;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Which daemons share the database, their heartbeats, and what each drives. */
@Path("/api/v1/cluster")
@Produces(MediaType.APPLICATION_JSON)
public class ClusterResource {
    private static final Duration STOPPED_SHOWN = Duration.ofHours(1);

    private final DaemonDao daemons;
    private final String self;
    private final Duration deadAfter;
    private final Clock clock;

    public ClusterResource(DaemonDao daemons, String self, Duration deadAfter, Clock clock) {
        this.daemons = daemons;
        this.self = self;
        this.deadAfter = deadAfter;
        this.clock = clock;
    }

    @GET
    @RolesAllowed(Role.VIEWER_NAME)
    public ClusterView get(@Context ContainerRequestContext request) {
        Callers.requireUnrestricted(Callers.principal(request));
        Instant now = clock.instant();
        Map<String, List<String>> runs = daemons.unfinishedRunsByOwner();
        Map<String, List<String>> attempts = daemons.runningAttemptsByDaemon();
        List<ClusterView.Daemon> out = new ArrayList<>();
        for (DaemonRecord d : daemons.recent(now.minus(STOPPED_SHOWN))) {
            boolean alive = d.stoppedAt().isEmpty() && d.heartbeatAt().isAfter(now.minus(deadAfter));
            out.add(new ClusterView.Daemon(
                    d.daemonId(),
                    d.node(),
                    d.host(),
                    d.pid(),
                    d.startedAt().toString(),
                    d.heartbeatAt().toString(),
                    alive,
                    d.stoppedAt().map(Instant::toString).orElse(null),
                    d.stopReason().orElse(null),
                    runs.getOrDefault(d.daemonId(), List.of()),
                    attempts.getOrDefault(d.daemonId(), List.of())));
        }
        return new ClusterView(self, out);
    }
}
