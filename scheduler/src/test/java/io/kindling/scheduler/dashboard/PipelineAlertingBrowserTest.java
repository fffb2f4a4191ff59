package io.kindling.scheduler.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import io.kindling.scheduler.KindlingConfiguration;
import io.kindling.scheduler.support.DurationHistory;
import io.kindling.scheduler.support.KindlingApp;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.Select;

/**
 * The pipeline page's alerting parts in headless Chromium against the real daemon: the learned baseline drawn on the
 * duration chart and said under it (checked against the API), and the alert mute set and ended from the page.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class PipelineAlertingBrowserTest {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Duration PAGE_TIMEOUT = Duration.ofSeconds(60);
    private static final KindlingApp APP = KindlingApp.create(false, "pipelines/baselines");
    static final DropwizardAppExtension<KindlingConfiguration> EXTENSION = APP.extension;
    private static WebDriver browser;

    @BeforeAll
    static void startBrowser() {
        Assumptions.assumeTrue(
                Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "the dashboard's browser tests need Chromium and its driver: apt-get install -y chromium "
                        + "chromium-driver (Debian/Ubuntu); .ci/run installs them");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments(
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1400,1600");
        browser = new ChromeDriver(
                new ChromeDriverService.Builder()
                        .usingDriverExecutable(CHROMEDRIVER.toFile())
                        .usingAnyFreePort()
                        .build(),
                options);
        browser.get("http://localhost:" + EXTENSION.getLocalPort() + "/login?token=" + KindlingApp.ADMIN_TOKEN
                + "&next=/%23/pipelines");
        await().atMost(PAGE_TIMEOUT).until(() -> browser.getCurrentUrl().endsWith("/#/pipelines"));
    }

    @AfterAll
    static void stopBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    private static JsonNode api(String path) {
        return EXTENSION.client().target(APP.api(path)).request().get(JsonNode.class);
    }

    private static String textOf(String testid) {
        return await().atMost(PAGE_TIMEOUT)
                .ignoreExceptions()
                .until(
                        () -> browser.findElement(By.cssSelector("[data-testid='" + testid + "']"))
                                .getText(),
                        text -> !text.isEmpty());
    }

    private static void click(String testid) {
        await().atMost(PAGE_TIMEOUT).ignoreExceptions().until(() -> {
            browser.findElement(By.cssSelector("[data-testid='" + testid + "']"))
                    .click();
            return true;
        });
    }

    private static void screenshot(String name) {
        try {
            Files.createDirectories(Path.of("target/screenshots"));
            File shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
            Files.copy(
                    shot.toPath(), Path.of("target/screenshots", name + ".png"), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void theDurationChartShowsTheLearnedBaselineAndThePageMutesAndUnmutesAlerts() {
        DurationHistory.write(APP.databaseUrl(), "steady", 30, Instant.now());
        JsonNode baseline = api("/pipelines/steady/baseline");
        assertThat(baseline.get("p95_ms").asLong()).isEqualTo(10_000);
        assertThat(baseline.get("runs").asInt()).isEqualTo(30); // all within the window
        assertThat(baseline.get("threshold_ms").asLong()).isEqualTo(30_000);
        assertThat(baseline.get("tasks").get(0).get("task").asText()).isEqualTo("wait");

        browser.get("http://localhost:" + EXTENSION.getLocalPort() + "/#/pipelines/steady");
        assertThat(textOf("baseline"))
                .isEqualTo("Baseline: p95 10 s of the last 30 successful runs; a run still going after 30 s (3 x p95)"
                        + " alerts run_slow.");
        WebElement chart = browser.findElement(By.cssSelector("[data-testid='duration-chart']"));
        assertThat(chart.getSize().getHeight()).isGreaterThan(100);
        screenshot("pipeline-baseline");

        assertThat(textOf("mute-state")).isEqualTo("Alerts on");
        new Select(browser.findElement(By.cssSelector("[data-testid='mute-for']"))).selectByValue("2h");
        browser.findElement(By.cssSelector("[data-testid='mute-reason']")).sendKeys("warehouse upgrade");
        click("mute-button");
        await().atMost(PAGE_TIMEOUT)
                .until(() -> api("/pipelines/steady/mute").get("muted").asBoolean());
        await().atMost(PAGE_TIMEOUT)
                .ignoreExceptions()
                .until(() -> textOf("mute-state").startsWith("Muted until"));
        assertThat(textOf("mute-state")).contains("(warehouse upgrade)");
        JsonNode mute = api("/pipelines/steady/mute");
        assertThat(mute.get("reason").asText()).isEqualTo("warehouse upgrade");
        assertThat(Duration.between(
                        Instant.now(), Instant.parse(mute.get("muted_until").asText())))
                .isBetween(Duration.ofMinutes(115), Duration.ofMinutes(121));
        screenshot("pipeline-muted");

        click("unmute");
        await().atMost(PAGE_TIMEOUT)
                .until(() -> !api("/pipelines/steady/mute").get("muted").asBoolean());
        await().atMost(PAGE_TIMEOUT)
                .ignoreExceptions()
                .until(() -> textOf("mute-state").equals("Alerts on"));
    }
}
