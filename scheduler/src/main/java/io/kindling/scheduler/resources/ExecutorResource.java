package io.kindling.scheduler.resources;

import io.kindling.executor.Executor;
import io.kindling.executor.HealthStatus;
import io.kindling.scheduler.api.ExecutorHealthView;
import io.kindling.scheduler.auth.Callers;
import io.kindling.scheduler.auth.Role;
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
import java.util.TreeMap;

/**
 * The executors' health, as the dashboard's home shows it. A remote executor's check asks its cluster, so answers
 * are kept for {@link #FRESH}: however many pages are open, a cluster is asked at most that often.
 */
@Path("/api/v1/executors")
@Produces(MediaType.APPLICATION_JSON)
public class ExecutorResource {
    static final Duration FRESH = Duration.ofSeconds(10);

    private final Map<String, Executor> executors;
    private final Clock clock;
    private ExecutorHealthView last;
    private Instant lastAt = Instant.MIN;

    public ExecutorResource(Map<String, Executor> executors, Clock clock) {
        this.executors = new TreeMap<>(executors);
        this.clock = clock;
    }

    @GET
    @RolesAllowed(Role.VIEWER_NAME)
    public synchronized ExecutorHealthView get(@Context ContainerRequestContext request) {
        Callers.requireUnrestricted(Callers.principal(request));
        Instant now = clock.instant();
        if (last == null || lastAt.plus(FRESH).isBefore(now)) {
            List<ExecutorHealthView.Executor> out = new ArrayList<>();
            executors.forEach((name, executor) -> {
                HealthStatus status;
                try {
                    status = executor.health();
                } catch (RuntimeException e) {
                    status = HealthStatus.unhealthy(String.valueOf(e.getMessage()));
                }
                out.add(new ExecutorHealthView.Executor(name, status.healthy(), status.message(), now.toString()));
            });
            last = new ExecutorHealthView(out);
            lastAt = now;
        }
        return last;
    }
}
