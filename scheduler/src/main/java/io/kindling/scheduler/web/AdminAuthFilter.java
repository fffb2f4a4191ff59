package io.kindling.scheduler.web;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.util.Locale;

/**
 * The admin port for admins only: tasks (log levels, GC), thread dumps, metrics and Prometheus need
 * {@code Authorization: Bearer <token>} of an admin (401 without a token, 403 with another). Load balancers
 * may call {@code /ping} and {@code /healthcheck} without one, and get the status code only: the health
 * checks' details (executor URLs, daemon ids) are for admins. {@code /pprof} is 404 unless configured.
 */
public final class AdminAuthFilter implements Filter {
    private final AdminAuthenticator authenticator;
    private final boolean pprofEnabled;

    public AdminAuthFilter(AdminAuthenticator authenticator, boolean pprofEnabled) {
        this.authenticator = authenticator;
        this.pprofEnabled = pprofEnabled;
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        HttpServletRequest request = (HttpServletRequest) req;
        HttpServletResponse response = (HttpServletResponse) res;
        // as the admin servlet dispatches: decoded, without ;parameters
        String path = request.getServletPath() + (request.getPathInfo() == null ? "" : request.getPathInfo());
        if (!pprofEnabled && (path.equals("/pprof") || path.startsWith("/pprof/"))) {
            JsonErrors.send(response, 404, "HTTP 404 Not Found");
            return;
        }
        String token = bearerToken(request);
        boolean admin = token != null && authenticator.isAdmin(token);
        if (admin) {
            chain.doFilter(req, res);
        } else if (path.equals("/ping") || path.equals("/healthcheck")) {
            StatusOnly statusOnly = new StatusOnly(response);
            chain.doFilter(req, statusOnly);
            JsonErrors.sendStatus(response, statusOnly.status());
        } else if (token == null) {
            response.setHeader("WWW-Authenticate", "Bearer realm=\"kindling-admin\"");
            JsonErrors.send(response, 401, "the admin port needs Authorization: Bearer <admin token>");
        } else {
            JsonErrors.send(response, 403, "this token is not an admin's");
        }
    }

    private static String bearerToken(HttpServletRequest request) {
        String header = request.getHeader("Authorization");
        if (header == null || !header.toLowerCase(Locale.ROOT).startsWith("bearer ")) {
            return null;
        }
        String token = header.substring("bearer ".length()).trim();
        return token.isEmpty() ? null : token;
    }

    /** Lets the servlet set the status and discards what it writes. */
    private static final class StatusOnly extends HttpServletResponseWrapper {
        private int status = 200;

        StatusOnly(HttpServletResponse response) {
            super(response);
        }

        int status() {
            return status;
        }

        @Override
        public void setStatus(int sc) {
            status = sc;
        }

        @Override
        public void sendError(int sc) {
            status = sc;
        }

        @Override
        public void sendError(int sc, String msg) {
            status = sc;
        }

        @Override
        public void setContentLength(int len) {}

        @Override
        public void setContentLengthLong(long len) {}

        @Override
        public void setContentType(String type) {}

        @Override
        public void setHeader(String name, String value) {}

        @Override
        public void addHeader(String name, String value) {}

        @Override
        public void flushBuffer() {}

        @Override
        public ServletOutputStream getOutputStream() {
            return new ServletOutputStream() {
                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setWriteListener(WriteListener listener) {}

                @Override
                public void write(int b) {
                    // discarded
                }
            };
        }

        @Override
        public PrintWriter getWriter() {
            // a new one each time: the servlet closes it, and a closed shared one failed every later request
            return new PrintWriter(OutputStream.nullOutputStream());
        }
    }
}
