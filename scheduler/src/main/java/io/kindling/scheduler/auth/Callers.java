package io.kindling.scheduler.auth;

import jakarta.ws.rs.ForbiddenException;
import jakarta.ws.rs.NotAuthorizedException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.container.ContainerRequestContext;

/** What resources ask about the caller of the request they serve. */
public final class Callers {
    private Callers() {}

    public static Principal principal(ContainerRequestContext request) {
        if (request.getSecurityContext().getUserPrincipal() instanceof Principal p) {
            return p;
        }
        throw new NotAuthorizedException(AuthFilter.unauthorized());
    }

    public static String remoteAddress(ContainerRequestContext request) {
        return request.getProperty(AuthFilter.REMOTE_ADDRESS) instanceof String s ? s : null;
    }

    /**
     * A pipeline outside the caller's pattern answers as if it did not exist (404), so a restricted token cannot
     * even learn which pipeline ids exist.
     */
    public static void requirePipeline(Principal caller, String pipelineId, String what) {
        if (!caller.mayAccess(pipelineId)) {
            throw new NotFoundException(what + " not found");
        }
    }

    /** Routes not about one pipeline (cluster, sources, deliveries, audit) are closed to restricted callers. */
    public static void requireUnrestricted(Principal caller) {
        if (caller.restricted()) {
            throw new ForbiddenException("this token or user is restricted to pipelines '"
                    + caller.pipelines().orElseThrow().glob() + "'");
        }
    }
}
