package io.kindling.scheduler.web;

import com.fasterxml.jackson.core.StreamReadConstraints;
import io.dropwizard.core.server.DefaultServerFactory;
import io.dropwizard.core.server.ServerFactory;
import io.dropwizard.core.setup.Environment;
import io.dropwizard.jetty.ConnectorFactory;
import io.dropwizard.jetty.HttpConnectorFactory;
import io.kindling.scheduler.config.WebConfig;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterRegistration;
import java.net.URI;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Puts the filters of docs/web-security.md on the API and admin ports. */
public final class WebSecurity {
    private WebSecurity() {}

    /** {@code dashboardUrl} (alerting's, may be null) and the server's connectors name hosts to allow. */
    public static void install(
            WebConfig web,
            String dashboardUrl,
            ServerFactory server,
            Environment environment,
            AdminAuthenticator adminAuthenticator) {
        long maxRequestBytes = web.getMaxRequestSize().toBytes();
        // Jackson refuses what the size filter would let through only in pieces: a huge string or document
        environment
                .getObjectMapper()
                .getFactory()
                .setStreamReadConstraints(StreamReadConstraints.builder()
                        .maxStringLength((int) web.getMaxJsonStringLength().toBytes())
                        .maxDocumentLength(maxRequestBytes)
                        .build());

        Set<String> hosts = allowedHosts(web, dashboardUrl, server);
        HostHeaderFilter hostFilter = new HostHeaderFilter(hosts);
        // the order they run in: wrong host, then headers for every answer, then CSRF, then size
        add(environment.servlets().addFilter("kindling-host", hostFilter));
        add(environment.servlets().addFilter("kindling-headers", new SecurityHeadersFilter()));
        add(environment.servlets().addFilter("kindling-csrf", new CsrfFilter(web.getAllowedOrigins(), true)));
        add(environment.servlets().addFilter("kindling-size", new RequestSizeLimit(maxRequestBytes)));

        add(environment.admin().addFilter("kindling-host", hostFilter));
        add(environment.admin().addFilter("kindling-csrf", new CsrfFilter(web.getAllowedOrigins(), false)));
        add(environment
                .admin()
                .addFilter("kindling-admin-auth", new AdminAuthFilter(adminAuthenticator, web.isPprofEnabled())));
    }

    private static void add(FilterRegistration.Dynamic registration) {
        registration.addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), true, "/*");
    }

    /** localhost in its forms, the dashboard URL's host, hosts the ports bind to, and web.allowedHosts. */
    static Set<String> allowedHosts(WebConfig web, String dashboard, ServerFactory server) {
        Set<String> hosts = new LinkedHashSet<>(List.of("localhost", "127.0.0.1", "::1"));
        if (dashboard != null && !dashboard.isBlank()) {
            try {
                String host = URI.create(dashboard.trim()).getHost();
                if (host != null) {
                    hosts.add(host);
                }
            } catch (IllegalArgumentException e) {
                // not a URL: alert links will say so; nothing to allow
            }
        }
        for (ConnectorFactory connector : connectors(server)) {
            if (connector instanceof HttpConnectorFactory http
                    && http.getBindHost() != null
                    && !Set.of("", "0.0.0.0", "::", "[::]").contains(http.getBindHost())) {
                hosts.add(http.getBindHost());
            }
        }
        hosts.addAll(web.getAllowedHosts());
        return hosts;
    }

    private static List<ConnectorFactory> connectors(ServerFactory server) {
        List<ConnectorFactory> all = new ArrayList<>();
        if (server instanceof DefaultServerFactory defaults) {
            all.addAll(defaults.getApplicationConnectors());
            all.addAll(defaults.getAdminConnectors());
        }
        return all;
    }
}
