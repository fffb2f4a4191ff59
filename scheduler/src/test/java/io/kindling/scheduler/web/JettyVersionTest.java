package io.kindling.scheduler.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.eclipse.jetty.util.Jetty;
import org.junit.jupiter.api.Test;

/** The Jetty the daemon runs on is past the advisories of docs/dependencies.md, whatever Dropwizard brings. */
class JettyVersionTest {
    @Test
    void jettyIsAtLeast12_1_12() {
        int[] version = Arrays.stream(Jetty.VERSION.split("[.-]"))
                .limit(3)
                .mapToInt(Integer::parseInt)
                .toArray();
        assertThat(version[0] * 1_000_000 + version[1] * 1_000 + version[2])
                .as(Jetty.VERSION)
                .isGreaterThanOrEqualTo(12_001_012);
    }
}
