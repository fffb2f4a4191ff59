package io.kindling.scheduler.config;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.util.DataSize;
import jakarta.validation.constraints.NotNull;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code web:} in config.yml: what the HTTP ports accept beyond their routes (docs/web-security.md). The
 * defaults suit a daemon reached at localhost; one behind a proxy or on another name lists that name here.
 */
public class WebConfig {
    /**
     * Host names (without port) the ports answer besides localhost, 127.0.0.1, [::1], the host of
     * {@code alerting.dashboardUrl} and the connectors' bindHosts; others get 421 (DNS rebinding). "*" allows any.
     */
    @NotNull
    @JsonFormat(with = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY) // -Ddw.web.allowedHosts=name works
    private List<String> allowedHosts = new ArrayList<>();

    /**
     * Origins (scheme://host[:port]) whose pages may send POSTs besides the daemon's own, e.g. the public https
     * address of a TLS proxy in front of a plain-http daemon.
     */
    @NotNull
    @JsonFormat(with = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
    private List<String> allowedOrigins = new ArrayList<>();

    /** The largest request body, after gzip inflation; larger ones get 413. Also Jackson's document limit. */
    @NotNull
    private DataSize maxRequestSize = DataSize.mebibytes(1);

    /** The longest JSON string value in a request; longer ones get 400. */
    @NotNull
    private DataSize maxJsonStringLength = DataSize.kibibytes(64);

    /** Serve Dropwizard's CPU profiler at /pprof on the admin port (admins only); off: 404. */
    private boolean pprofEnabled = false;

    @JsonProperty
    public List<String> getAllowedHosts() {
        return allowedHosts;
    }

    @JsonProperty
    public void setAllowedHosts(List<String> allowedHosts) {
        this.allowedHosts = allowedHosts == null ? new ArrayList<>() : allowedHosts;
    }

    @JsonProperty
    public List<String> getAllowedOrigins() {
        return allowedOrigins;
    }

    @JsonProperty
    public void setAllowedOrigins(List<String> allowedOrigins) {
        this.allowedOrigins = allowedOrigins == null ? new ArrayList<>() : allowedOrigins;
    }

    @JsonProperty
    public DataSize getMaxRequestSize() {
        return maxRequestSize;
    }

    @JsonProperty
    public void setMaxRequestSize(DataSize maxRequestSize) {
        this.maxRequestSize = maxRequestSize;
    }

    @JsonProperty
    public DataSize getMaxJsonStringLength() {
        return maxJsonStringLength;
    }

    @JsonProperty
    public void setMaxJsonStringLength(DataSize maxJsonStringLength) {
        this.maxJsonStringLength = maxJsonStringLength;
    }

    @JsonProperty
    public boolean isPprofEnabled() {
        return pprofEnabled;
    }

    @JsonProperty
    public void setPprofEnabled(boolean pprofEnabled) {
        this.pprofEnabled = pprofEnabled;
    }
}
