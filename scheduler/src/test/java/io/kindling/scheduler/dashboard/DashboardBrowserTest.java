package io.kindling.scheduler.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import io.kindling.scheduler.KindlingConfiguration;
import io.kindling.scheduler.support.KindlingApp;
import io.kindling.scheduler.support.WebhookReceiver;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.Select;

/**
 * The dashboard in a real headless Chromium against the real daemon (real Spark, a real SQLite file): what an
 * operator clicks, and what the page then shows. Screenshots of each page go to target/screenshots.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class DashboardBrowserTest {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Path SCREENSHOTS = Path.of("target/screenshots");
    private static final Duration RUN_TIMEOUT = Duration.ofMinutes(2);

    /** The webhook {@code late}'s receiver: down until the alerts test starts it. */
    private static final WebhookReceiver LATE = new WebhookReceiver();
    /** Deliveries are given up after 2 s of refused connections, so the Retry button has one to retry. */
    private static final KindlingApp APP = KindlingApp.create(
                    true, "pipelines/api", "pipelines/dashboard", "pipelines/dashboard_alerts")
            .withOverrides(
                    ConfigOverride.config("webhooks.late.url", LATE.url("/late")),
                    ConfigOverride.config("alerting.retryFor", "2s"));

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
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
                "--window-size=1400,1000");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .build();
        browser = new ChromeDriver(service, options);
        signIn();
    }

    /** The sign-in link the first start prints, with the test admin token: the session cookie for every page. */
    private static void signIn() {
        browser.get("http://localhost:" + EXTENSION.getLocalPort() + "/login?token=" + KindlingApp.ADMIN_TOKEN
                + "&next=/%23/pipelines");
        await().atMost(Duration.ofSeconds(20))
                .until(() -> browser.getCurrentUrl().endsWith("/#/pipelines"));
        assertThat(browser.getCurrentUrl()).doesNotContain(KindlingApp.ADMIN_TOKEN);
    }

    @AfterAll
    static void stopBrowser() {
        if (browser != null) {
            browser.quit();
        }
        LATE.close();
    }

    private static String page(String hash) {
        return "http://localhost:" + EXTENSION.getLocalPort() + "/" + hash;
    }

    private static void screenshot(String name) {
        try {
            Files.createDirectories(SCREENSHOTS);
            File shot = ((org.openqa.selenium.TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
            Files.copy(shot.toPath(), SCREENSHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits for the first element matching; the pages redraw every 2 s, so elements are looked up again each time. */
    private static WebElement awaitElement(By by) {
        return await().atMost(Duration.ofSeconds(20))
                .ignoreExceptions()
                .until(() -> browser.findElements(by).stream().findFirst().orElse(null), e -> e != null);
    }

    /** Clicks the first element matching, found again if a redraw replaced it before the click landed. */
    private static void click(By by) {
        await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> {
            browser.findElement(by).click();
            return true;
        });
    }

    private static String stateOf(By by) {
        List<WebElement> found = browser.findElements(by);
        return found.isEmpty() ? "" : found.get(0).getAttribute("data-state");
    }

    private static JsonNode api(String path) {
        return EXTENSION.client().target(APP.api(path)).request().get(JsonNode.class);
    }

    @Test
    void runNowFromThePipelinesPageTurnsGreenAndItsDetailShowsTheGraphAndTasks() {
        browser.get(page("#/pipelines"));
        awaitElement(By.cssSelector("tr[data-pipeline='people']"));
        screenshot("pipelines");

        click(By.cssSelector("[data-testid='run-now-people']"));
        awaitElement(By.cssSelector("[data-testid='param-people-min_age']")).sendKeys("30");
        click(By.cssSelector("[data-testid='run-people']"));
        WebElement link = awaitElement(By.cssSelector("[data-testid='flash'] a"));
        String runId = link.getText();
        assertThat(api("/runs/" + runId).get("params").get("min_age").asText()).isEqualTo("30");

        By square = By.cssSelector("[data-testid='squares-people'] a[href='#/runs/" + runId + "']");
        await().atMost(RUN_TIMEOUT).ignoreExceptions().until(() -> stateOf(square), s -> s.equals("SUCCEEDED"));
        screenshot("pipelines-after-run");

        click(square);
        WebElement dag = awaitElement(By.cssSelector("[data-testid='dag']"));
        await().atMost(Duration.ofSeconds(20))
                .ignoreExceptions()
                .until(
                        () -> browser.findElements(By.cssSelector("[data-testid='dag'] .dag-node"))
                                .size(),
                        n -> n == 4);
        // the join sits in a column right of the tasks it waits for
        int summaryX = browser.findElement(By.cssSelector(".dag-node[data-task='summary']"))
                .getLocation()
                .getX();
        int byCountryX = browser.findElement(By.cssSelector(".dag-node[data-task='by_country']"))
                .getLocation()
                .getX();
        assertThat(summaryX).isGreaterThan(byCountryX);
        assertThat(dag.getText()).contains("adults", "by_country", "by_age_band", "summary");
        assertThat(browser.findElements(By.cssSelector("[data-testid='dag'] line[data-edge]")))
                .extracting(e -> e.getAttribute("data-edge"))
                .containsExactlyInAnyOrder(
                        "adults->by_country", "adults->by_age_band", "by_country->summary", "by_age_band->summary");
        // a box leads to its task's section on the same page (the hash stays the run's route)
        click(By.cssSelector(".dag-node[data-task='summary']"));
        assertThat(browser.getCurrentUrl()).endsWith("#/runs/" + runId);
        assertThat(read(() -> browser.switchTo().activeElement().getAttribute("data-task")))
                .isEqualTo("summary");
        for (String task : List.of("adults", "by_country", "by_age_band", "summary")) {
            assertThat(stateOf(By.cssSelector("article.task[data-task='" + task + "']")))
                    .isEqualTo("SUCCEEDED");
        }
        assertThat(browser.findElement(By.cssSelector("article.task[data-task='adults']"))
                        .getText())
                .contains("local", "local-");
        assertThat(browser.findElement(By.cssSelector("[data-testid='version']"))
                        .getText())
                .isEqualTo(api("/runs/" + runId).get("version").asText());

        // the Gantt chart is Chart.js's: one bar per attempt, queue wait and run time
        awaitElement(By.cssSelector("[data-testid='gantt']"));
        Object bars = ((JavascriptExecutor) browser)
                .executeScript("return Chart.getChart(document.querySelector(\"[data-testid='gantt']\")).data.labels");
        assertThat((List<?>) bars)
                .hasSize(4)
                .allSatisfy(label -> assertThat(label.toString()).endsWith("#1"));

        click(By.cssSelector("[data-testid='log-adults/1']"));
        WebElement log = awaitElement(By.cssSelector("[data-testid='log-text-adults/1']"));
        await().atMost(Duration.ofSeconds(20))
                .ignoreExceptions()
                .until(
                        () -> browser.findElement(By.cssSelector("[data-testid='log-text-adults/1']"))
                                .getText(),
                        text -> !text.isBlank());
        assertThat(log).isNotNull();
        screenshot("run-detail");

        // the pipeline's own page: success rate and Chart.js's duration chart of its finished runs
        click(By.linkText("people"));
        WebElement rate = awaitElement(By.cssSelector("[data-testid='success-rate']"));
        assertThat(rate.getText()).startsWith("100% of the last");
        awaitElement(By.cssSelector("[data-testid='duration-chart']"));
        Object durations = ((JavascriptExecutor) browser)
                .executeScript(
                        "return Chart.getChart(document.querySelector(\"[data-testid='duration-chart']\")).data.datasets[0].data");
        assertThat((List<?>) durations).isNotEmpty();
        screenshot("pipeline-people");
    }

    @Test
    void withoutASessionTheDashboardAsksToSignInAndComesBackAfterwards() {
        try {
            browser.manage().deleteAllCookies();
            browser.get(page("#/runs"));
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> browser.getCurrentUrl().contains("/login?next="));
            WebElement token = awaitElement(By.cssSelector("[data-testid='token-form'] input[name='token']"));
            screenshot("sign-in");
            token.sendKeys("kdl_not-a-token-of-this-daemon-at-all");
            click(By.cssSelector("[data-testid='token-form'] button"));
            assertThat(awaitElement(By.cssSelector(".signin .error")).getText()).contains("Wrong token");

            browser.findElement(By.cssSelector("[data-testid='token-form'] input[name='token']"))
                    .clear();
            browser.findElement(By.cssSelector("[data-testid='token-form'] input[name='token']"))
                    .sendKeys(KindlingApp.ADMIN_TOKEN);
            click(By.cssSelector("[data-testid='token-form'] button"));
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> browser.getCurrentUrl().endsWith("/#/runs"));
            assertThat(awaitElement(By.cssSelector("[data-testid='who']")).getText())
                    .isEqualTo("bootstrap (admin)");
            awaitElement(By.cssSelector("[data-testid='runs']"));
        } finally {
            signIn();
        }
    }

    @Test
    void cancellingALongRunShowsItCancelled() {
        String runId = EXTENSION
                .client()
                .target(APP.api("/pipelines/long/runs"))
                .request()
                .post(jakarta.ws.rs.client.Entity.json("{}"), JsonNode.class)
                .get("run_id")
                .asText();
        browser.get(page("#/runs/" + runId));
        By endless = By.cssSelector("article.task[data-task='endless']");
        await().atMost(RUN_TIMEOUT).ignoreExceptions().until(() -> stateOf(endless), s -> s.equals("RUNNING"));
        // the running attempt's log is followed: what it writes later is appended to what is shown
        click(By.cssSelector("[data-testid='log-endless/1']"));
        By log = By.cssSelector("[data-testid='log-text-endless/1']");
        String whileRunning = await().atMost(RUN_TIMEOUT)
                .ignoreExceptions()
                .until(() -> browser.findElement(log).getText(), text -> text.contains("hash(id) = 42"));
        assertThat(whileRunning).doesNotContain("attempt cancelled");

        click(By.cssSelector("[data-testid='cancel']"));
        By title = By.cssSelector("#run-title .state");
        await().atMost(RUN_TIMEOUT).ignoreExceptions().until(() -> stateOf(title), s -> s.equals("CANCELLED"));
        String afterCancel = await().atMost(RUN_TIMEOUT)
                .ignoreExceptions()
                .until(() -> browser.findElement(log).getText(), text -> text.contains("attempt cancelled after"));
        assertThat(afterCancel).startsWith(whileRunning.strip());
        String served = EXTENSION
                .client()
                .target(APP.api("/runs/" + runId + "/tasks/endless/log"))
                .request()
                .get(String.class);
        assertThat(afterCancel.lines().count()).isEqualTo(served.strip().lines().count()); // nothing read twice
        assertThat(api("/runs/" + runId).get("state").asText()).isEqualTo("CANCELLED");
        assertThat(browser.findElement(By.cssSelector("[data-testid='cancel']")).isEnabled())
                .isFalse();
        assertThat(browser.findElement(By.cssSelector("[data-testid='repair']")).isEnabled())
                .isTrue();
        // who did it, from the audit log: the API call that triggered it and the button (the session) that cancelled
        await().atMost(Duration.ofSeconds(20))
                .ignoreExceptions()
                .until(
                        () -> browser.findElement(By.cssSelector("[data-testid='audit']"))
                                .getText(),
                        text -> text.contains("triggered by token:bootstrap")
                                && text.contains("cancelled by token:bootstrap"));
        screenshot("run-cancelled");

        browser.get(page("#/runs?state=CANCELLED"));
        awaitElement(By.cssSelector("tr[data-run='" + runId + "']"));
        assertThat(browser.findElements(By.cssSelector("[data-testid='runs'] tbody tr")))
                .allSatisfy(row -> assertThat(row.getText()).contains("CANCELLED"));
        screenshot("runs");
    }

    @Test
    void pausingAPipelineStopsItsScheduleAndUnpausingResumesIt() {
        browser.get(page("#/pipelines"));
        By toggle = By.cssSelector("[data-testid='paused-nightly']");
        awaitElement(toggle);
        assertThat(browser.findElement(toggle).isSelected()).isFalse();
        click(toggle);
        await().atMost(Duration.ofSeconds(20))
                .until(() -> api("/pipelines/nightly").get("paused").asBoolean());
        await().atMost(Duration.ofSeconds(20))
                .ignoreExceptions()
                .until(() -> browser.findElement(toggle).isSelected());
        assertThat(browser.findElement(By.cssSelector("tr[data-pipeline='nightly']"))
                        .getText())
                .contains("paused");
        screenshot("pipeline-paused");

        click(toggle);
        await().atMost(Duration.ofSeconds(20))
                .until(() -> !api("/pipelines/nightly").get("paused").asBoolean());
    }

    @Test
    void pipelinePageShowsItsDefinitionAndScheduleInWords() {
        browser.get(page("#/pipelines/nightly"));
        WebElement yaml = awaitElement(By.cssSelector("[data-testid='yaml']"));
        assertThat(yaml.getText()).contains("pipeline: nightly", "SELECT 1 AS one");
        assertThat(browser.findElement(By.tagName("main")).getText()).contains("every day at 02:00");
        screenshot("pipeline");

        // each stored version links to its own page with the YAML it had
        String version = api("/pipelines/nightly").get("version").asText();
        click(By.cssSelector("a[href='#/pipelines/nightly/versions/" + version + "']"));
        assertThat(awaitElement(By.cssSelector("[data-testid='version-yaml']")).getText())
                .contains("pipeline: nightly");
        assertThat(browser.findElement(By.cssSelector("[data-testid='current']"))
                        .getText())
                .startsWith("yes");
    }

    /** A read of the page, again if a redraw (every 2 s) replaced an element while it was read. */
    private static <T> T read(java.util.concurrent.Callable<T> read) {
        return await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(read, value -> true);
    }

    /** True once the page's redraw has replaced the element. */
    private static boolean replaced(WebElement element) {
        try {
            element.isEnabled();
            return false;
        } catch (StaleElementReferenceException e) {
            return true;
        }
    }

    @Test
    void anAlertToAReceiverThatIsDownIsListedAndItsRetryIsDeliveredOnceTheReceiverIsUp() {
        String runId = EXTENSION
                .client()
                .target(APP.api("/pipelines/alert_down/runs"))
                .request()
                .post(jakarta.ws.rs.client.Entity.json("{}"), JsonNode.class)
                .get("run_id")
                .asText();
        await().atMost(RUN_TIMEOUT)
                .until(() -> api("/runs/" + runId).get("state").asText().equals("FAILED"));

        // every page links the alerts page, and the keyboard gets there: Tab from the top of a fresh load, Enter
        browser.get("about:blank");
        browser.get(page("#/pipelines"));
        awaitElement(By.cssSelector("tr[data-pipeline='alert_down']"));
        Actions keys = new Actions(browser);
        for (int i = 0;
                i < 6 && !"Alerts".equals(browser.switchTo().activeElement().getText());
                i++) {
            keys.sendKeys(Keys.TAB).perform();
        }
        assertThat(browser.switchTo().activeElement().getText()).isEqualTo("Alerts");
        keys.sendKeys(Keys.ENTER).perform();
        awaitElement(By.cssSelector("#alerts-title"));
        assertThat(browser.findElement(By.cssSelector("[data-nav='alerts']")).getAttribute("aria-current"))
                .isNotNull();

        // the failure alert is listed: refused, retried with backoff, then given up after its retry period
        By row = By.cssSelector("tr[data-run='" + runId + "'][data-event='run_failed']");
        assertThat(awaitElement(row).getText()).contains("run_failed", "alert_down", runId, "late");
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> stateOf(row), s -> s.equals("FAILED"));
        assertThat(read(() -> browser.findElement(row)
                        .findElement(By.cssSelector(".error-text"))
                        .getText()))
                .isNotBlank();
        assertThat(read(() -> Integer.parseInt(browser.findElement(row)
                        .findElements(By.tagName("td"))
                        .get(5)
                        .getText())))
                .as("attempts")
                .isGreaterThan(1);
        String deliveryId = read(() -> browser.findElement(row).getAttribute("data-delivery"));
        assertThat(read(() -> browser.findElement(row)
                        .findElement(By.cssSelector("time"))
                        .getAttribute("title")))
                .endsWith(" UTC");
        screenshot("alerts-failed");

        // the receiver is up: Retry (by keyboard) sends the event again, and the page sees it delivered
        LATE.start();
        By retry = By.cssSelector("[data-testid='retry-" + deliveryId + "']");
        await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> {
            browser.findElement(retry).sendKeys(Keys.ENTER);
            return true;
        });
        assertThat(awaitElement(By.cssSelector("[data-testid='flash']")).getText())
                .isNotBlank();
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> stateOf(row), s -> s.equals("DELIVERED"));
        assertThat(read(() -> browser.findElement(row).getText())).contains("HTTP 200");
        assertThat(browser.findElement(By.cssSelector("[data-testid='flash']")).getText())
                .contains("again", runId);
        assertThat(LATE.received()).anySatisfy(r -> {
            assertThat(r.header("X-Kindling-Event")).isEqualTo("run_failed");
            assertThat(r.body()).contains(runId);
        });
        assertThat(api("/webhooks/deliveries/" + deliveryId).get("state").asText())
                .isEqualTo("DELIVERED");
        screenshot("alerts");

        // the 2 s redraw keeps keyboard focus where it was
        WebElement button = read(() -> {
            WebElement b = browser.findElement(retry);
            ((JavascriptExecutor) browser).executeScript("arguments[0].focus()", b);
            return b;
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> replaced(button));
        assertThat(browser.switchTo().activeElement().getAttribute("data-testid"))
                .isEqualTo("retry-" + deliveryId);

        // filtered by state
        new Select(browser.findElement(By.id("filter-delivery-state"))).selectByValue("DELIVERED");
        click(By.cssSelector("[data-testid='filter']"));
        await().atMost(Duration.ofSeconds(10))
                .until(() -> browser.getCurrentUrl().endsWith("#/alerts?state=DELIVERED"));
        awaitElement(row);
        assertThat(read(() -> browser.findElements(By.cssSelector("[data-testid='deliveries'] tbody tr")).stream()
                        .map(r -> r.getAttribute("data-state"))
                        .distinct()
                        .toList()))
                .containsExactly("DELIVERED");
    }
}
