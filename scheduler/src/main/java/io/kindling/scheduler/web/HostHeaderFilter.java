package io.kindling.scheduler.web;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Collection;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Answers only requests addressed to a known host name. A page on attacker.example whose name re-resolves to
 * 127.0.0.1 (DNS rebinding) is same-origin with the daemon for the browser, but its requests still say
 * {@code Host: attacker.example}: they get 421 Misdirected Request.
 */
public final class HostHeaderFilter implements Filter {
    static final int MISDIRECTED_REQUEST = 421;

    private final Set<String> allowed;
    private final boolean any;

    /** @param allowed host names without port, IPv6 literals with or without brackets; "*" allows any */
    public HostHeaderFilter(Collection<String> allowed) {
        this.allowed = allowed.stream().map(HostHeaderFilter::normalize).collect(Collectors.toUnmodifiableSet());
        this.any = this.allowed.contains("*");
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        HttpServletRequest request = (HttpServletRequest) req;
        // Jetty's server name is the Host header's host (or the absolute request URI's, or X-Forwarded-Host when
        // the connector uses forwarded headers); with no Host header (HTTP/1.0) it is the local address.
        String host = request.getHeader("Host") == null ? null : normalize(request.getServerName());
        if (any || host == null || allowed.contains(host)) {
            chain.doFilter(req, res);
            return;
        }
        JsonErrors.send(
                (HttpServletResponse) res,
                MISDIRECTED_REQUEST,
                "host '" + request.getServerName()
                        + "' is not served here; add it to web.allowedHosts if the daemon is reached by that name");
    }

    static String normalize(String host) {
        String h = host.trim().toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        return h;
    }
}
