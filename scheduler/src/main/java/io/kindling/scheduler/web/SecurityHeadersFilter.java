package io.kindling.scheduler.web;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * Headers on every answer of the API port, set before the request is handled so errors carry them too: the
 * dashboard cannot be framed (clickjacking its Run, Cancel and Pause buttons), a log or JSON answer is never
 * sniffed into HTML, and only the daemon's own scripts run (Chart.js is served from the same origin). Images may be
 * {@code data:} URIs: a notebook's image outputs (an image runs no script).
 */
public final class SecurityHeadersFilter implements Filter {
    static final String CONTENT_SECURITY_POLICY =
            "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; object-src 'none'; base-uri 'none'";

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        HttpServletResponse response = (HttpServletResponse) res;
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setHeader("Referrer-Policy", "no-referrer");
        response.setHeader("X-Frame-Options", "DENY");
        response.setHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        chain.doFilter(req, res);
    }
}
