package io.kindling.scheduler.web;

import com.fasterxml.jackson.core.StreamReadConstraints;
import io.dropwizard.core.server.DefaultServerFactory;
import io.dropwizard.core.setup.Environment;
import io.dropwizard.jetty.ConnectorFactory;
import io.dropwizard.jetty.HttpConnectorFactory;
import io.kindling.scheduler.KindlingConfiguration;
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
    private WebSecurity() {
    }

    public static void install(KindlingConfiguration config, Environment environment,
                               AdminAuthenticator adminAuthenticator) {
        var web = config.getWeb();
        long maxRequestBytes = web.getMaxRequestSize().toBytes();
        // Jackson refuses what the size filter would let through only in pieces: a huge string or document
        environment.getObjectMapper().getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
                .maxStringLength((int) web.getMaxJsonStringLength().toBytes())
                .maxDocumentLength(maxRequestBytes)
                .build());

        Set<String> hosts = allowedHosts(config);
        HostHeaderFilter hostFilter = new HostHeaderFilter(hosts);
        // the order they run in: wrong host, then headers for every answer, then CSRF, then size
        add(environment.servlets().addFilter("kindling-host", hostFilter));
        add(environment.servlets().addFilter("kindling-headers", new SecurityHeadersFilter()));
        add(environment.servlets().addFilter("kindling-csrf", new CsrfFilter(web.getAllowedOrigins(), true)));
        add(environment.servlets().addFilter("kindling-size", new RequestSizeLimit(maxRequestBytes)));

        add(environment.admin().addFilter("kindling-host", hostFilter));
        add(environment.admin().addFilter("kindling-csrf", new CsrfFilter(web.getAllowedOrigins(), false)));
        add(environment.admin().addFilter("kindling-admin-auth",
                new AdminAuthFilter(adminAuthenticator, web.isPprofEnabled())));
    }

    private static void add(FilterRegistration.Dynamic registration) {
        registration.addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), true, "/*");
    }

    /** localhost in its forms, the dashboard URL's host, hosts the ports bind to, and web.allowedHosts. */
    static Set<String> allowedHosts(KindlingConfiguration config) {
        Set<String> hosts = new LinkedHashSet<>(List.of("localhost", "127.0.0.1", "::1"));
        String dashboard = config.getAlerting().getDashboardUrl();
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
        for (ConnectorFactory connector : connectors(config)) {
            if (connector instanceof HttpConnectorFactory http && http.getBindHost() != null
                    && !Set.of("", "0.0.0.0", "::", "[::]").contains(http.getBindHost())) {
                hosts.add(http.getBindHost());
            }
        }
        hosts.addAll(config.getWeb().getAllowedHosts());
        return hosts;
    }

    private static List<ConnectorFactory> connectors(KindlingConfiguration config) {
        List<ConnectorFactory> all = new ArrayList<>();
        if (config.getServerFactory() instanceof DefaultServerFactory server) {
            all.addAll(server.getApplicationConnectors());
            all.addAll(server.getAdminConnectors());
        }
        return all;
    }
}
