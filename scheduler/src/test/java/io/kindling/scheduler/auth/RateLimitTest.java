package io.kindling.scheduler.auth;

import static io.kindling.scheduler.support.RawHttp.bearer;
import static org.assertj.core.api.Assertions.assertThat;

import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import io.kindling.scheduler.KindlingConfiguration;
import io.kindling.scheduler.support.KindlingApp;
import io.kindling.scheduler.support.RawHttp;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A caller that changes state too fast gets 429, alone: other callers and reads go on. */
@ExtendWith(DropwizardExtensionsSupport.class)
class RateLimitTest {
    private static final KindlingApp APP = KindlingApp.create(false, "pipelines/web")
            .withOverrides(ConfigOverride.config("limits.changesPerMinute", "3"));
    static final DropwizardAppExtension<KindlingConfiguration> EXTENSION = APP.extension;

    @Test
    void theChangeAfterAMinutesWorthGets429() {
        String other = RawHttp.token(APP, "operator", null); // the admin's first change
        String admin = KindlingApp.ADMIN_TOKEN;
        assertThat(RawHttp.post(APP.api("/pipelines/note/runs"), "{}", bearer(admin))
                        .statusCode())
                .isEqualTo(201);
        assertThat(RawHttp.post(APP.api("/pipelines/note/runs"), "{}", bearer(admin))
                        .statusCode())
                .isEqualTo(201);

        HttpResponse<String> refused = RawHttp.post(APP.api("/pipelines/note/runs"), "{}", bearer(admin));

        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.headers().firstValue("Retry-After")).isPresent();
        assertThat(RawHttp.json(refused).get("message").asText()).contains("limits.changesPerMinute");
        assertThat(RawHttp.get(APP.api("/runs?pipeline=note"), bearer(admin)).statusCode())
                .isEqualTo(200);
        assertThat(RawHttp.post(APP.api("/pipelines/note/runs"), "{}", bearer(other))
                        .statusCode())
                .isEqualTo(201);
    }
}
