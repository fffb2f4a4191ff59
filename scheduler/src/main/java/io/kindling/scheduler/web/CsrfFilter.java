package io.kindling.scheduler.web;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.ws.rs.core.MediaType;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Collection;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Refuses state-changing requests a foreign web page could make the browser send. A page can POST a form or a
 * body-less {@code fetch(..., {mode: 'no-cors'})} anywhere, but it cannot send {@code Content-Type:
 * application/json} cross-origin without a CORS preflight, which the daemon never grants: so every POST must be
 * JSON (415 otherwise, an empty body included). Browsers also say where a request comes from: a foreign
 * {@code Origin} or {@code Sec-Fetch-Site: cross-site/same-site} gets 403. Clients that are not browsers send
 * neither header and pass with JSON.
 */
public final class CsrfFilter implements Filter {
    private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD", "OPTIONS");

    private final Set<String> allowedOrigins;
    private final boolean requireJson;

    /**
     * @param allowedOrigins origins besides the daemon's own, e.g. {@code https://kindling.example.com}
     * @param requireJson    whether bodies must be JSON (the API); the admin port's tasks take form posts
     */
    public CsrfFilter(Collection<String> allowedOrigins, boolean requireJson) {
        this.allowedOrigins = allowedOrigins.stream()
                .map(CsrfFilter::origin)
                .flatMap(Optional::stream)
                .collect(Collectors.toUnmodifiableSet());
        this.requireJson = requireJson;
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        HttpServletRequest request = (HttpServletRequest) req;
        HttpServletResponse response = (HttpServletResponse) res;
        if (SAFE_METHODS.contains(request.getMethod())) {
            chain.doFilter(req, res);
            return;
        }
        String site = request.getHeader("Sec-Fetch-Site");
        if (site != null && !site.equals("same-origin") && !site.equals("none")) {
            JsonErrors.send(response, 403, "cross-site requests are refused (Sec-Fetch-Site: " + site + ")");
            return;
        }
        String origin = request.getHeader("Origin");
        if (origin != null && !isAllowed(origin, request)) {
            JsonErrors.send(
                    response,
                    403,
                    "requests from origin '" + origin + "' are refused; add it to "
                            + "web.allowedOrigins if the daemon's pages are served there");
            return;
        }
        if (requireJson && !isJson(request.getContentType())) {
            JsonErrors.send(
                    response,
                    415,
                    "send a JSON body with Content-Type: application/json ({} when "
                            + "there is nothing to say), got "
                            + (request.getContentType() == null
                                    ? "no Content-Type"
                                    : "'" + request.getContentType() + "'"));
            return;
        }
        chain.doFilter(req, res);
    }

    private boolean isAllowed(String origin, HttpServletRequest request) {
        Optional<String> normalized = origin(origin);
        if (normalized.isEmpty()) {
            return false; // "null" (sandboxed frames, file: pages) or garbage
        }
        String own = request.getScheme().toLowerCase(Locale.ROOT) + "://" + hostForUri(request.getServerName()) + ":"
                + request.getServerPort();
        return normalized.get().equals(own) || allowedOrigins.contains(normalized.get());
    }

    private static boolean isJson(String contentType) {
        if (contentType == null) {
            return false;
        }
        try {
            MediaType type = MediaType.valueOf(contentType);
            return type.getType().equalsIgnoreCase("application")
                    && type.getSubtype().equalsIgnoreCase("json");
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** scheme://host:port with the default port written out, lower case; empty for "null" and non-URLs. */
    static Optional<String> origin(String value) {
        try {
            URI uri = new URI(value.trim());
            if (uri.getScheme() == null || uri.getHost() == null) {
                return Optional.empty();
            }
            String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
            int port = uri.getPort() != -1 ? uri.getPort() : scheme.equals("https") ? 443 : 80;
            return Optional.of(scheme + "://" + hostForUri(uri.getHost()) + ":" + port);
        } catch (URISyntaxException e) {
            return Optional.empty();
        }
    }

    private static String hostForUri(String host) {
        String h = HostHeaderFilter.normalize(host);
        return h.contains(":") ? "[" + h + "]" : h;
    }
}
