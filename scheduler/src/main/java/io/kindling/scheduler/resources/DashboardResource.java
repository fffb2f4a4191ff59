package io.kindling.scheduler.resources;

import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.CacheControl;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The ops dashboard: static ES modules and CSS from the jar's {@code dashboard/} folder, served on the API's port
 * so it needs no server or CDN of its own. It reads everything through the API under {@code /api/v1}. Its files
 * hold no data, so they are served without credentials (see PublicRoutes); the data needs a session.
 */
@Path("/")
public class DashboardResource {
    private static final String ROOT = "dashboard/";
    /** Plain file names in plain folders: nothing that could climb out of {@code dashboard/}. */
    private static final Pattern SAFE_PATH = Pattern.compile("([A-Za-z0-9_-]+/)*[A-Za-z0-9_.-]+\\.[a-z]+");

    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "svg", "image/svg+xml",
            "json", "application/json");

    @GET
    @PermitAll
    public Response index() {
        return asset("index.html");
    }

    @GET
    @Path("/ui/{path: .+}")
    @PermitAll
    public Response file(@PathParam("path") String path) {
        if (!SAFE_PATH.matcher(path).matches() || path.contains("..")) {
            throw new NotFoundException("no dashboard file " + path);
        }
        return asset(path);
    }

    static Response asset(String path) {
        String type = TYPES.get(path.substring(path.lastIndexOf('.') + 1));
        InputStream in = DashboardResource.class.getClassLoader().getResourceAsStream(ROOT + path);
        if (type == null || in == null) {
            throw new NotFoundException("no dashboard file " + path);
        }
        try (in) {
            CacheControl cache = new CacheControl();
            cache.setNoCache(true); // revalidate: a new daemon version ships new files under the same names
            return Response.ok(in.readAllBytes(), type).cacheControl(cache).build();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
