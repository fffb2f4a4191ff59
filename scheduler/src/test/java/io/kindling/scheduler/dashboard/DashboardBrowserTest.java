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
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
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
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
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
    /** A page and its first fetches; generous, since a loaded CI machine once took over 20 s for the first. */
    private static final Duration PAGE_TIMEOUT = Duration.ofSeconds(60);

    private static final Duration RUN_TIMEOUT = Duration.ofMinutes(2);
    /** The browser's own zone: neither UTC nor a pipeline's, so the zone toggle's three choices all differ. */
    private static final String BROWSER_ZONE = "Asia/Tokyo";

    /** The webhook {@code late}'s receiver: down until the alerts test starts it. */
    private static final WebhookReceiver LATE = new WebhookReceiver();
    /** The webhook {@code probe}'s receiver, up from the start: the Send test button's. */
    private static final WebhookReceiver PROBE = new WebhookReceiver().start();

    private static final String HISTORY_SERVER = "http://127.0.0.1:18082";
    /** Deliveries are given up after 2 s of refused connections, so the Retry button has one to retry. */
    private static final KindlingApp APP = KindlingApp.create(
                    true,
                    "pipelines/api",
                    "pipelines/dashboard",
                    "pipelines/dashboard_alerts",
                    "pipelines/dashboard_pages",
                    "pipelines/dashboard_home")
            .withOverrides(
                    ConfigOverride.config("webhooks.late.url", LATE.url("/late")),
                    ConfigOverride.config("webhooks.probe.url", PROBE.url("/probe")),
                    ConfigOverride.config("alerting.retryFor", "2s"),
                    // attempts link their Spark application there (no History Server needs to run for the link)
                    ConfigOverride.config("executors.local.options.historyServerUrl", HISTORY_SERVER));

    static {
        // a pipeline started by files landing in <workDir>/dropped, as soon as they are listed
        try {
            Files.createDirectories(APP.workDir.resolve("dropped"));
            Files.writeString(APP.workDir.resolve("pipelines/dropped.yml"), """
                    pipeline: dropped
                    trigger: {files: {path: dropped, pattern: "*.csv", settle: 0s, min_interval: 100ms}}
                    tasks:
                      - id: load
                        class: io.kindling.scheduler.support.SucceedingTask
                    """);
            // a pipeline whose task runs another: the run pages link both ways
            Files.writeString(APP.workDir.resolve("pipelines/caller.yml"), """
                    pipeline: caller
                    tasks:
                      - id: go
                        run_pipeline: {pipeline: called}
                    """);
            Files.writeString(APP.workDir.resolve("pipelines/called.yml"), """
                    pipeline: called
                    tasks:
                      - id: t
                        class: io.kindling.scheduler.support.SucceedingTask
                    """);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

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
        // the console (errors, uncaught exceptions) is read back by the text sweep
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability(ChromeOptions.LOGGING_PREFS, logs);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .withEnvironment(Map.of("TZ", BROWSER_ZONE))
                .build();
        browser = new ChromeDriver(service, options);
        browser.manage().timeouts().scriptTimeout(PAGE_TIMEOUT); // axe-core's checks answer asynchronously
        signIn();
    }

    /** The sign-in link the first start prints, with the test admin token: the session cookie for every page. */
    private static void signIn() {
        browser.get("http://localhost:" + EXTENSION.getLocalPort() + "/login?token=" + KindlingApp.ADMIN_TOKEN
                + "&next=/%23/pipelines");
        await().atMost(PAGE_TIMEOUT).until(() -> browser.getCurrentUrl().endsWith("/#/pipelines"));
        assertThat(browser.getCurrentUrl()).doesNotContain(KindlingApp.ADMIN_TOKEN);
    }

    @AfterAll
    static void stopBrowser() {
        PROBE.close();
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
        return await().atMost(PAGE_TIMEOUT)
                .ignoreExceptions()
                .until(() -> browser.findElements(by).stream().findFirst().orElse(null), e -> e != null);
    }

    /** Clicks the first element matching, found again if a redraw replaced it before the click landed. */
    private static void click(By by) {
        await().atMost(PAGE_TIMEOUT).ignoreExceptions().until(() -> {
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
        await().atMost(PAGE_TIMEOUT)
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
        String appId = java.util.stream.StreamSupport.stream(
                        api("/runs/" + runId).get("tasks").spliterator(), false)
                .filter(t -> t.get("task_id").asText().equals("adults"))
                .findFirst()
                .orElseThrow()
                .get("attempts")
                .get(0)
                .get("spark_app_id")
                .asText();
        assertThat(browser.findElement(By.cssSelector("article.task[data-task='adults'] a[data-testid='spark-app']"))
                        .getAttribute("href"))
                .isEqualTo(HISTORY_SERVER + "/history/" + appId + "/jobs/");
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
        await().atMost(PAGE_TIMEOUT)
                .ignoreExceptions()
                .until(
                        () -> browser.findElement(By.cssSelector("[data-testid='log-text-adults/1']"))
                                .getText(),
                        text -> !text.isBlank());
        assertThat(log).isNotNull();
        // each attempt's Spark figures, as the API gives them
        for (JsonNode task : api("/runs/" + runId).get("tasks")) {
            JsonNode metrics = task.get("attempts").get(0).get("spark_metrics");
            String shown = browser.findElement(By.cssSelector(
                            "[data-testid='metrics-" + task.get("task_id").asText() + "/1']"))
                    .getText();
            assertThat(shown)
                    .startsWith(
                            "Spark: " + metrics.get("tasks").get("succeeded").asLong() + " tasks")
                    .contains("wrote " + metrics.get("output_records").asLong() + " rows")
                    .contains("CPU " + metrics.get("executor_cpu_time_ms").asLong() + " ms");
        }
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
        // per-task trends: the latest run's rows written by each task, as the grid API gives them
        awaitElement(By.cssSelector("[data-testid='trend-output_records']"));
        JsonNode newest = api("/pipelines/people/grid?limit=25").get("runs").get(0);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> lines = (List<Map<String, Object>>) ((JavascriptExecutor) browser)
                .executeScript("return Chart.getChart(document.querySelector(\"[data-testid='trend-output_records']\"))"
                        + ".data.datasets.map(d => ({task: d.label, last: d.data[d.data.length - 1]}))");
        assertThat(lines)
                .extracting(line -> line.get("task"))
                .containsExactlyInAnyOrder("adults", "by_country", "by_age_band", "summary");
        for (Map<String, Object> line : lines) {
            assertThat(((Number) line.get("last")).longValue())
                    .as(line.get("task").toString())
                    .isEqualTo(newest.get("cells")
                            .get(line.get("task").toString())
                            .get("output_records")
                            .asLong());
        }
        screenshot("pipeline-people");
    }

    @Test
    void withoutASessionTheDashboardAsksToSignInAndComesBackAfterwards() {
        try {
            browser.manage().deleteAllCookies();
            browser.get(page("#/runs"));
            await().atMost(PAGE_TIMEOUT).until(() -> browser.getCurrentUrl().contains("/login?next="));
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
            await().atMost(PAGE_TIMEOUT).until(() -> browser.getCurrentUrl().endsWith("/#/runs"));
            assertThat(awaitElement(By.cssSelector("[data-testid='who']")).getText())
                    .isEqualTo("bootstrap (admin)");
            awaitElement(By.cssSelector("[data-testid='runs']"));
        } finally {
            signIn();
        }
    }

    @Test
    void aRunMadeByAnEventShowsTheEventsKeyAndIsFoundByItsTrigger() {
        String runId = EXTENSION
                .client()
                .target(APP.api("/pipelines/nightly/events"))
                .request()
                .header("Idempotency-Key", "invoice-2026-12-04")
                .post(jakarta.ws.rs.client.Entity.json("{}"), JsonNode.class)
                .get("run_id")
                .asText();
        browser.get(page("#/runs/" + runId));
        assertThat(read(() ->
                        awaitElement(By.cssSelector("[data-testid='event']")).getText()))
                .isEqualTo("invoice-2026-12-04");
        browser.get(page("#/runs?trigger=event"));
        awaitElement(By.cssSelector("a[href='#/runs/" + runId + "']"));
    }

    @Test
    void aRunPipelineTaskLinksToTheRunItMadeWhichLinksBack() {
        String parentId = EXTENSION
                .client()
                .target(APP.api("/pipelines/caller/runs"))
                .request()
                .post(jakarta.ws.rs.client.Entity.json("{}"), JsonNode.class)
                .get("run_id")
                .asText();
        JsonNode parent = await().atMost(RUN_TIMEOUT)
                .until(
                        () -> api("/runs/" + parentId),
                        run -> run.get("state").asText().equals("SUCCEEDED"));
        String childId =
                parent.get("tasks").get(0).get("child_run").get("run_id").asText();

        browser.get(page("#/runs/" + parentId));
        click(By.cssSelector("[data-testid='child-run-go'] a[href='#/runs/" + childId + "']"));
        assertThat(read(() -> awaitElement(By.cssSelector("[data-testid='parent-run']"))
                        .getText()))
                .isEqualTo("caller " + parentId + " (task go)");
        screenshot("run-child");
        click(By.cssSelector("[data-testid='parent-run'] a[href='#/runs/" + parentId + "']"));
        awaitElement(By.cssSelector("[data-testid='child-run-go']"));
        browser.get(page("#/runs?trigger=pipeline"));
        awaitElement(By.cssSelector("a[href='#/runs/" + childId + "']"));
    }

    @Test
    void aRunStartedByFilesShowsThemAndItsPipelineTheFolderItWatches() throws IOException {
        // written aside and renamed into place: with settle 0s a file must be whole once it is listed
        Path aside = Files.writeString(APP.workDir.resolve("dropped/_orders-1.csv"), "id\n1\n");
        Files.move(aside, APP.workDir.resolve("dropped/orders-1.csv"), StandardCopyOption.ATOMIC_MOVE);
        String runId = await().atMost(RUN_TIMEOUT)
                .until(() -> api("/runs?pipeline=dropped&trigger=files").get("runs"), runs -> runs.size() == 1)
                .get(0)
                .get("run_id")
                .asText();
        browser.get(page("#/runs/" + runId));
        assertThat(read(() ->
                        awaitElement(By.cssSelector("[data-testid='files']")).getText()))
                .contains("file:" + APP.workDir.resolve("dropped/orders-1.csv").toAbsolutePath(), "5 B");
        browser.get(page("#/pipelines/dropped"));
        assertThat(read(() ->
                        awaitElement(By.cssSelector("[data-testid='schedule']")).getText()))
                .isEqualTo("dropped/*.csv, settled for 0s, at most one run per 100ms");
        browser.get(page("#/runs?trigger=files"));
        awaitElement(By.cssSelector("a[href='#/runs/" + runId + "']"));
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
        await().atMost(PAGE_TIMEOUT)
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
        await().atMost(PAGE_TIMEOUT)
                .until(() -> api("/pipelines/nightly").get("paused").asBoolean());
        await().atMost(PAGE_TIMEOUT)
                .ignoreExceptions()
                .until(() -> browser.findElement(toggle).isSelected());
        assertThat(browser.findElement(By.cssSelector("tr[data-pipeline='nightly']"))
                        .getText())
                .contains("paused");
        screenshot("pipeline-paused");

        click(toggle);
        await().atMost(PAGE_TIMEOUT)
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

        // a pipeline that runs after another says so, in the list and on its page with a link to it, and has no next
        // fire time
        browser.get(page("#/pipelines"));
        assertThat(read(() -> awaitElement(By.cssSelector("[data-testid='after-after_nightly']"))
                        .getText()))
                .isEqualTo("after nightly");
        browser.get(page("#/pipelines/after_nightly"));
        WebElement after = awaitElement(By.cssSelector("[data-testid='schedule']"));
        assertThat(read(after::getText)).isEqualTo("nightly (succeeded), for the same day in Europe/Berlin");
        assertThat(after.findElement(By.tagName("a")).getAttribute("href")).endsWith("#/pipelines/nightly");
        assertThat(browser.findElement(By.cssSelector("[data-testid='next-fire']"))
                        .getText())
                .isEqualTo("when its upstreams have run");
        screenshot("pipeline-after-upstream");
    }

    @Test
    void pipelinesThatWaitForOthersAreDrawnAsAGraphAndTheirRunsNameTheUpstreamRun() {
        // the upstream's page says which pipelines wait for it, and how events reach it
        browser.get(page("#/pipelines/nightly"));
        WebElement downstream = awaitElement(By.cssSelector("[data-testid='downstream']"));
        assertThat(read(downstream::getText)).startsWith("after_nightly");
        assertThat(browser.findElement(By.cssSelector("[data-testid='events']")).getText())
                .isEqualTo("POST /api/v1/pipelines/nightly/events with an operator token");

        // the graph: both pipelines, the edge between them, and the same as a table
        click(By.cssSelector("[data-testid='downstream'] a[href='#/dependencies']"));
        awaitElement(By.cssSelector("[data-testid='dep-graph'] [data-testid='edge-nightly-after_nightly']"));
        WebElement upstream = browser.findElement(By.cssSelector("[data-testid='node-nightly']"));
        assertThat(upstream.getDomAttribute("href")).isEqualTo("#/pipelines/nightly");
        assertThat(browser.findElement(By.cssSelector("[data-testid='node-after_nightly']"))
                        .getAttribute("aria-label"))
                .startsWith("after_nightly: ");
        assertThat(browser.findElement(By.cssSelector("[data-testid='dependency-nightly-after_nightly']"))
                        .getText())
                .contains("nightly", "succeeded", "after_nightly");
        screenshot("dependencies");

        // a day's run of the upstream makes the downstream's, whose page links that upstream run
        String nightly = trigger("nightly");
        awaitRunState(nightly, "SUCCEEDED");
        String made = await().atMost(RUN_TIMEOUT)
                .until(
                        () -> api("/runs?pipeline=after_nightly&trigger=upstream")
                                .get("runs"),
                        runs -> runs.size() > 0)
                .get(0)
                .get("run_id")
                .asText();
        browser.get(page("#/runs/" + made));
        WebElement upstreamRuns = awaitElement(By.cssSelector("[data-testid='upstream-runs']"));
        assertThat(read(upstreamRuns::getText)).isEqualTo("nightly " + nightly + " (succeeded)");
        assertThat(upstreamRuns.findElement(By.cssSelector("a[href='#/runs/" + nightly + "']")))
                .isNotNull();
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
        await().atMost(PAGE_TIMEOUT).ignoreExceptions().until(() -> {
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

    @Test
    void sendTestOnTheAlertsPageReachesTheReceiverAndAPipelineLinksItsOwnAlerts() {
        browser.get(page("#/alerts"));
        By probe = By.cssSelector("[data-testid='test-probe']");
        awaitElement(probe);
        assertThat(read(() -> browser.findElement(By.cssSelector("tr[data-webhook='probe']"))
                        .getText()))
                .contains("probe", "json", "on");
        click(probe);
        await().atMost(PAGE_TIMEOUT)
                .ignoreExceptions()
                .until(
                        () -> browser.findElement(By.cssSelector("[data-testid='flash']"))
                                .getText(),
                        t -> t.contains("Test alert delivered to probe (json): HTTP 200"));
        assertThat(PROBE.received())
                .singleElement()
                .satisfies(r -> assertThat(r.body()).contains("\"test\":true", "\"webhook\":\"probe\""));
        screenshot("alerts-test-sent");

        browser.get(page("#/pipelines/alert_down"));
        click(By.cssSelector("[data-testid='pipeline-alerts']"));
        await().atMost(Duration.ofSeconds(10))
                .until(() -> browser.getCurrentUrl().endsWith("#/alerts?pipeline=alert_down"));
        assertThat(awaitElement(By.xpath("//h2[text()='Deliveries of alert_down']"))
                        .isDisplayed())
                .isTrue();
        assertThat(read(() ->
                        browser.findElement(By.id("filter-delivery-pipeline")).getAttribute("value")))
                .isEqualTo("alert_down");
    }

    private static String trigger(String pipeline) {
        return EXTENSION
                .client()
                .target(APP.api("/pipelines/" + pipeline + "/runs"))
                .request()
                .post(jakarta.ws.rs.client.Entity.json("{}"), JsonNode.class)
                .get("run_id")
                .asText();
    }

    private static void awaitRunState(String runId, String state) {
        await().atMost(RUN_TIMEOUT)
                .until(() -> api("/runs/" + runId).get("state").asText(), s -> s.equals(state));
    }

    /** Text that means a value went missing on its way to the page. */
    private static final String BROKEN_TEXT = "/\\b(null|undefined|NaN)\\b|\\[object Object\\]/";

    /**
     * Every text of the page (but files and logs shown as they are, in {@code pre}) and every title, label, link
     * and datetime that reads as a missing value.
     */
    @SuppressWarnings("unchecked")
    private static List<String> brokenText() {
        return (List<String>) ((JavascriptExecutor) browser)
                .executeScript("const bad = " + BROKEN_TEXT + ";\n"
                        + "const found = [];\n"
                        + "const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);\n"
                        + "while (walker.nextNode()) {\n"
                        + "  const text = walker.currentNode;\n"
                        + "  if (text.parentElement.closest('pre, script, style')) continue;\n"
                        + "  if (bad.test(text.textContent)) found.push(text.textContent.trim());\n"
                        + "}\n"
                        + "for (const e of document.querySelectorAll('[title], [aria-label], [href], [datetime], [value]')) {\n"
                        + "  for (const a of ['title', 'aria-label', 'href', 'datetime', 'value']) {\n"
                        + "    const v = e.getAttribute(a);\n"
                        + "    if (v && bad.test(v)) found.push(a + '=' + v);\n"
                        + "  }\n"
                        + "}\n"
                        + "if (bad.test(document.title)) found.push('title ' + document.title);\n"
                        + "return found;");
    }

    /** What the page wrote to the console as an error since the last call (uncaught exceptions, failed loads). */
    private static List<String> consoleErrors() {
        return browser.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue())
                .map(LogEntry::getMessage)
                .toList();
    }

    /**
     * Opens a page, waits for what shows it has loaded, and fails on broken text or a console error; a screenshot
     * of each page goes to target/screenshots/sweep-{name}.png.
     */
    private static void sweep(String name, String url, By ready, boolean signedIn) {
        browser.get(url);
        awaitElement(ready);
        if (signedIn) {
            awaitElement(By.cssSelector("[data-testid='who']"));
        }
        screenshot("sweep-" + name);
        assertThat(read(DashboardBrowserTest::brokenText)).as(name + " " + url).isEmpty();
        assertThat(consoleErrors()).as(name + " " + url + ": console errors").isEmpty();
        assertThat(accessibilityViolations())
                .as(name + " " + url + ": axe-core")
                .isEmpty();
    }

    /** axe-core's browser build (from its npm package, MPL-2.0, see axe-core/LICENSE), injected into pages. */
    private static final String AXE = axeSource();

    private static String axeSource() {
        try (var in = DashboardBrowserTest.class.getResourceAsStream("/axe-core/axe.min.js")) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The serious and critical accessibility violations axe-core finds on the page as it is (WCAG 2.1 A and AA and
     * best practices), one line each: rule, impact, what it asks, and where.
     */
    @SuppressWarnings("unchecked")
    private static List<String> accessibilityViolations() {
        JavascriptExecutor js = (JavascriptExecutor) browser;
        if (!Boolean.TRUE.equals(js.executeScript("return typeof window.axe === 'object'"))) {
            js.executeScript(AXE);
        }
        return (List<String>) js.executeAsyncScript("const done = arguments[arguments.length - 1];\n"
                + "axe.run(document, { resultTypes: ['violations'] }).then((r) => done(r.violations\n"
                + "  .filter((v) => v.impact === 'serious' || v.impact === 'critical')\n"
                + "  .map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)),\n"
                + "  (e) => done([`axe-core failed: ${e}`]));");
    }

    @Test
    void everyPageInEveryStateShowsNoBrokenTextAndNoConsoleError() throws IOException {
        String succeeded = trigger("flaky"); // fails once, then succeeds
        String failed = trigger("broken_sql");
        String running = trigger("waits");
        Path release = APP.workDir.resolve("data/waits.release");
        Path broken = APP.workDir.resolve("pipelines/not_a_pipeline.yml");
        Path aside = APP.workDir.resolve("not_a_pipeline.yml.aside");
        try {
            await().atMost(RUN_TIMEOUT)
                    .until(
                            () -> api("/runs/" + running)
                                    .get("tasks")
                                    .get(0)
                                    .get("state")
                                    .asText(),
                            s -> s.equals("RUNNING"));
            String queued = trigger("waits"); // one run of waits at a time: this one waits in the queue
            awaitRunState(succeeded, "SUCCEEDED");
            awaitRunState(failed, "FAILED");
            assertThat(api("/runs/" + queued).get("state").asText()).isEqualTo("QUEUED");
            assertThat(api("/pipelines").get("load_errors")).isNotEmpty();
            consoleErrors(); // what earlier tests left (a refused sign-in answers 401) is not this test's

            By runLoaded = By.cssSelector("[data-testid='dag'] .dag-node");
            sweep("home", page("#/"), By.cssSelector("[data-testid='load-errors']"), true);
            sweep("pipelines", page("#/pipelines"), By.cssSelector("[data-testid='load-errors']"), true);
            for (JsonNode p : api("/pipelines").get("pipelines")) {
                String id = p.get("id").asText();
                sweep("pipeline-" + id, page("#/pipelines/" + id), By.cssSelector("[data-testid='grid']"), true);
            }
            String version = api("/pipelines/grid").get("version").asText();
            sweep(
                    "version",
                    page("#/pipelines/grid/versions/" + version),
                    By.cssSelector("[data-testid='version-yaml']"),
                    true);
            sweep("dependencies", page("#/dependencies"), By.cssSelector("[data-testid='dependency-table']"), true);
            sweep("runs", page("#/runs"), By.cssSelector("[data-testid='runs']"), true);
            for (String state : List.of("QUEUED", "RUNNING", "SUCCEEDED", "FAILED", "CANCELLED")) {
                sweep("runs-" + state, page("#/runs?state=" + state), By.cssSelector("h1#runs-title"), true);
            }
            sweep("run-succeeded", page("#/runs/" + succeeded), runLoaded, true);
            sweep(
                    "run-failed",
                    page("#/runs/" + failed + "?task=bad&attempt=1"),
                    By.cssSelector("[data-testid='log-text-bad/1']"),
                    true);
            sweep(
                    "run-running",
                    page("#/runs/" + running + "?task=wait&attempt=1"),
                    By.cssSelector("[data-testid='log-text-wait/1']"),
                    true);
            sweep("run-queued", page("#/runs/" + queued), runLoaded, true);
            EXTENSION
                    .client()
                    .target(APP.api("/runs/" + queued + "/cancel"))
                    .request()
                    .post(jakarta.ws.rs.client.Entity.json("{}"));
            awaitRunState(queued, "CANCELLED");
            sweep("run-cancelled", page("#/runs/" + queued), runLoaded, true);
            sweep("alerts", page("#/alerts"), By.cssSelector("#alerts-title"), true);

            // no load errors: the pipelines page has no box for them, and nothing in its place
            Files.move(broken, aside);
            await().atMost(PAGE_TIMEOUT)
                    .until(() -> api("/pipelines").get("load_errors").isEmpty());
            sweep("pipelines-no-load-errors", page("#/pipelines"), By.cssSelector("tr[data-pipeline='grid']"), true);
            assertThat(browser.findElements(By.cssSelector("[data-testid='load-errors']")))
                    .isEmpty();
            assertThat(browser.findElement(By.id("pipelines-title")).getText()).isEqualTo("Pipelines");

            // signed out: the sign-in page, then signing in on it as a user does goes back to the page asked for
            browser.manage().deleteAllCookies();
            sweep("sign-in", page("login?next=/%23/alerts"), By.cssSelector("[data-testid='token-form']"), false);
            browser.findElement(By.cssSelector("[data-testid='token-form'] input[name='token']"))
                    .sendKeys(KindlingApp.ADMIN_TOKEN);
            click(By.cssSelector("[data-testid='token-form'] button"));
            await().atMost(PAGE_TIMEOUT).until(() -> browser.getCurrentUrl().endsWith("/#/alerts"));
            awaitElement(By.cssSelector("[data-testid='who']"));
            assertThat(read(DashboardBrowserTest::brokenText)).isEmpty();
            assertThat(consoleErrors()).isEmpty();
        } finally {
            Files.createDirectories(release.getParent());
            Files.writeString(release, "go");
            if (Files.exists(aside)) {
                Files.move(aside, broken);
            }
            signIn();
            awaitRunState(running, "SUCCEEDED");
        }
    }

    private static String at(Instant instant, String zone, String pattern) {
        return DateTimeFormatter.ofPattern(pattern).withZone(ZoneId.of(zone)).format(instant);
    }

    @Test
    void timesNameTheirZoneAndTheToggleShowsThemInThePipelinesZoneTheBrowsersOrUtc() {
        // people is scheduled at 06:00 Europe/Berlin
        Instant next =
                Instant.parse(api("/pipelines/people").get("next_fire_time").asText());
        By nextFire = By.cssSelector("[data-testid='next-fire'] time");
        browser.get(page("#/pipelines/people"));
        try {
            assertThat(read(() -> browser.findElement(nextFire).getText()))
                    .isEqualTo(at(next, "Europe/Berlin", "EEE, d MMM yyyy, ") + "06:00:00 Europe/Berlin");
            assertThat(browser.findElement(nextFire).getAttribute("title"))
                    .isEqualTo(at(next, "UTC", "yyyy-MM-dd HH:mm:ss") + " UTC");
            assertThat(new Select(browser.findElement(By.id("zone")))
                            .getFirstSelectedOption()
                            .getAttribute("value"))
                    .isEqualTo("pipeline");
            screenshot("pipeline-times-pipeline-zone");

            new Select(browser.findElement(By.id("zone"))).selectByValue("utc");
            await().atMost(Duration.ofSeconds(10))
                    .ignoreExceptions()
                    .until(
                            () -> browser.findElement(nextFire).getText(),
                            t -> t.equals(at(next, "UTC", "EEE, d MMM yyyy, HH:mm:ss") + " UTC"));
            // kept in local storage: a new load shows UTC still
            browser.navigate().refresh();
            assertThat(read(() -> browser.findElement(nextFire).getText()))
                    .isEqualTo(at(next, "UTC", "EEE, d MMM yyyy, HH:mm:ss") + " UTC");
            assertThat(new Select(browser.findElement(By.id("zone")))
                            .getFirstSelectedOption()
                            .getAttribute("value"))
                    .isEqualTo("utc");

            new Select(browser.findElement(By.id("zone"))).selectByValue("local");
            await().atMost(Duration.ofSeconds(10))
                    .ignoreExceptions()
                    .until(
                            () -> browser.findElement(nextFire).getText(),
                            t -> t.equals(at(next, BROWSER_ZONE, "EEE, d MMM yyyy, HH:mm:ss") + " " + BROWSER_ZONE));

            // the pipelines list too: the next fire in the pipeline's zone, named
            new Select(browser.findElement(By.id("zone"))).selectByValue("pipeline");
            browser.get(page("#/pipelines"));
            assertThat(read(() -> browser.findElement(By.cssSelector("tr[data-pipeline='people'] time"))
                            .getText()))
                    .endsWith("06:00:00 Europe/Berlin");
        } finally {
            ((JavascriptExecutor) browser).executeScript("localStorage.removeItem('kindling.zone')");
        }
    }

    @Test
    void theGridShowsRunsAsColumnsAndTasksAsRowsAndACellOpensThatAttemptsLog() {
        List<String> runIds = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            runIds.add(trigger("grid"));
        }
        runIds.forEach(id -> awaitRunState(id, "SUCCEEDED"));
        browser.get(page("#/pipelines/grid"));
        awaitElement(By.cssSelector("[data-testid='grid'] tbody tr"));
        // oldest left (no other test runs grid)
        assertThat(read(() -> browser.findElements(By.cssSelector("[data-testid='grid'] thead a")).stream()
                        .map(a -> a.getAttribute("data-testid").substring("grid-run-".length()))
                        .toList()))
                .containsExactlyElementsOf(runIds);
        assertThat(browser.findElements(By.cssSelector("[data-testid='grid'] tbody tr")))
                .extracting(r -> r.getAttribute("data-task"))
                .containsExactly("extract", "flaky", "enrich", "publish");
        assertThat(browser.findElements(By.cssSelector("[data-testid='grid'] tbody a.cell")))
                .hasSize(40)
                .allSatisfy(c -> assertThat(c.getAttribute("data-state")).isEqualTo("SUCCEEDED"));

        // flaky failed once in every run: its cell says so and opens the second attempt's log of that run
        String runId = runIds.get(3);
        By cell = By.cssSelector("[data-testid='cell-" + runId + "-flaky']");
        WebElement flaky = browser.findElement(cell);
        assertThat(flaky.getAttribute("data-attempt")).isEqualTo("2");
        assertThat(flaky.getCssValue("background-color")).as("succeeded green").isEqualTo("rgba(26, 127, 55, 1)");
        assertThat(flaky.getAttribute("title")).startsWith("flaky in run " + runId + ": SUCCEEDED, 2 attempts, ");
        assertThat(flaky.getAttribute("title")).doesNotEndWith("—");
        ((JavascriptExecutor) browser).executeScript("arguments[0].scrollIntoView({block: 'center'})", flaky);
        screenshot("pipeline-grid");

        click(cell);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> browser.getCurrentUrl().endsWith("#/runs/" + runId + "?task=flaky&attempt=2"));
        String log = await().atMost(PAGE_TIMEOUT)
                .ignoreExceptions()
                .until(
                        () -> browser.findElement(By.cssSelector("[data-testid='log-text-flaky/2']"))
                                .getText(),
                        text -> text.contains("second attempt counted"));
        assertThat(log).contains("task flaky (attempt 2) of pipeline grid, run " + runId);
        assertThat(read(() -> browser.switchTo().activeElement().getAttribute("data-task")))
                .isEqualTo("flaky");
        screenshot("run-from-grid");
    }

    private static void post(String path) {
        EXTENSION
                .client()
                .target(APP.api(path))
                .request()
                .post(jakarta.ws.rs.client.Entity.json("{}"))
                .close();
    }

    @Test
    void homeSaysWhatNeedsAttentionAndLinksToWhereToAct() {
        String first = trigger("home_failing");
        String second = trigger("home_failing");
        awaitRunState(first, "FAILED");
        awaitRunState(second, "FAILED");
        post("/pipelines/home_paused/pause");
        int failures = api("/runs?pipeline=home_failing").get("runs").size(); // every run of it fails
        try {
            browser.get(page("#/"));
            By failing = By.cssSelector("[data-testid='failing'] li[data-pipeline='home_failing']");
            assertThat(read(() -> awaitElement(By.cssSelector("[data-testid='streak-home_failing']"))
                            .getText()))
                    .isEqualTo("failed " + failures + " times in a row");
            assertThat(read(() -> browser.findElement(failing).getText())).contains("owner data-team");
            // a pipeline that succeeded last is not failing
            assertThat(browser.findElements(By.cssSelector("[data-testid='failing'] li[data-pipeline='home_paused']")))
                    .isEmpty();
            assertThat(read(() -> browser.findElement(
                                    By.cssSelector("[data-testid='paused'] li[data-pipeline='home_paused']"))
                            .getText()))
                    .contains("home_paused", "owner ops-team");
            assertThat(read(() -> browser.findElement(By.cssSelector("[data-testid='load-errors-section']"))
                            .getText()))
                    .contains("not_a_pipeline.yml");
            // every executor config.yml names, healthy or not, as the API says
            for (JsonNode executor : api("/executors").get("executors")) {
                String shown =
                        read(() -> browser.findElement(By.cssSelector("[data-testid='executors'] li[data-executor='"
                                        + executor.get("name").asText() + "']"))
                                .getText());
                assertThat(shown).startsWith(executor.get("healthy").asBoolean() ? "healthy" : "unhealthy");
            }
            // no deadlines yet: no late runs, and no empty box for them
            assertThat(browser.findElements(By.cssSelector("[data-testid='late-runs']")))
                    .isEmpty();
            assertThat(read(DashboardBrowserTest::brokenText)).isEmpty();
            assertThat(accessibilityViolations()).isEmpty();
            screenshot("home");

            // where to act: the paused pipeline resumes from here, the failing one's newest run opens to be repaired
            click(By.cssSelector("[data-testid='resume-home_paused']"));
            await().atMost(PAGE_TIMEOUT)
                    .until(() -> !api("/pipelines/home_paused").get("paused").asBoolean());
            await().atMost(PAGE_TIMEOUT)
                    .until(() -> browser.findElements(
                                    By.cssSelector("[data-testid='paused'] li[data-pipeline='home_paused']"))
                            .isEmpty());
            click(By.cssSelector(
                    "[data-testid='failing'] li[data-pipeline='home_failing'] a[href='#/runs/" + second + "']"));
            await().atMost(PAGE_TIMEOUT).until(() -> browser.getCurrentUrl().endsWith("#/runs/" + second));
            await().atMost(PAGE_TIMEOUT)
                    .ignoreExceptions()
                    .until(() -> browser.findElement(By.cssSelector("[data-testid='repair']"))
                            .isEnabled());
        } finally {
            post("/pipelines/home_paused/resume");
        }
    }

    /** Lets a run of {@code live} go on: its first task talks until this file exists, and fails if it says fail. */
    private static void release(String runId, String how) throws IOException {
        Path release = APP.workDir.resolve("data/live-" + runId + ".release");
        Files.createDirectories(release.getParent());
        if (Files.notExists(release)) {
            Files.writeString(release, how);
        }
    }

    @Test
    void runningRunsTasksAndLogsChangeOnTheOpenPageWithoutAReload() throws IOException {
        String first = trigger("live");
        String second = trigger("live"); // one run of live at a time: this one waits in the queue
        JavascriptExecutor js = (JavascriptExecutor) browser;
        try {
            // on the home page: running now, with its progress
            browser.get(page("#/"));
            assertThat(read(() -> awaitElement(By.cssSelector("[data-testid='progress-" + first + "']"))
                            .getText()))
                    .isEqualTo("0 of 2 tasks done");

            // the runs page follows the runs' states while one is unfinished
            browser.get(page("#/runs?pipeline=live"));
            By firstRow = By.cssSelector("tr[data-run='" + first + "'] .state");
            By secondRow = By.cssSelector("tr[data-run='" + second + "'] .state");
            await().atMost(PAGE_TIMEOUT).ignoreExceptions().until(() -> stateOf(firstRow), s -> s.equals("RUNNING"));
            assertThat(stateOf(secondRow)).isEqualTo("QUEUED");
            js.executeScript("window.kindlingSamePage = 'runs';"); // gone if the page were loaded again
            release(first, "go");
            await().atMost(RUN_TIMEOUT).ignoreExceptions().until(() -> stateOf(firstRow), s -> s.equals("SUCCEEDED"));
            await().atMost(RUN_TIMEOUT).ignoreExceptions().until(() -> stateOf(secondRow), s -> s.equals("RUNNING"));
            assertThat(js.executeScript("return window.kindlingSamePage")).isEqualTo("runs");

            // the run page: the running attempt's log grows as it is written, and its task states change
            browser.get(page("#/runs/" + second + "?task=talk&attempt=1"));
            awaitElement(By.cssSelector("[data-testid='dag'] .dag-node"));
            js.executeScript("window.kindlingSamePage = 'run';");
            By log = By.cssSelector("[data-testid='log-text-talk/1']");
            String early = await().atMost(RUN_TIMEOUT)
                    .ignoreExceptions()
                    .until(() -> browser.findElement(log).getText(), text -> text.contains("line 3"));
            // what was shown stays, new lines come after it, and the view keeps to the end
            String later = await().atMost(RUN_TIMEOUT)
                    .ignoreExceptions()
                    .until(
                            () -> browser.findElement(log).getText(),
                            text -> text.lines().count() > 60);
            assertThat(later).startsWith(early.strip());
            await().atMost(PAGE_TIMEOUT).ignoreExceptions().until(() -> (Boolean)
                    js.executeScript("const pre = document.querySelector(\"[data-testid='log-text-talk/1']\");"
                            + " return pre.scrollHeight > pre.clientHeight"
                            + " && pre.scrollTop + pre.clientHeight >= pre.scrollHeight - 8;"));
            assertThat(stateOf(By.cssSelector("article.task[data-task='after']")))
                    .isEqualTo("QUEUED");
            assertThat(accessibilityViolations()).isEmpty();
            screenshot("run-live");

            // its first attempt fails once released: the page follows on into the retry's log
            release(second, "fail");
            By retryLog = By.cssSelector("[data-testid='log-text-talk/2']");
            assertThat(await().atMost(RUN_TIMEOUT)
                            .ignoreExceptions()
                            .until(() -> browser.findElement(retryLog).getText(), text -> text.contains("released")))
                    .contains("released after line 0");
            await().atMost(RUN_TIMEOUT)
                    .ignoreExceptions()
                    .until(() -> stateOf(By.cssSelector("article.task[data-task='talk']")), s -> s.equals("SUCCEEDED"));
            await().atMost(RUN_TIMEOUT)
                    .ignoreExceptions()
                    .until(() -> stateOf(By.cssSelector("#run-title .state")), s -> s.equals("SUCCEEDED"));
            assertThat(stateOf(By.cssSelector("article.task[data-task='after']")))
                    .isEqualTo("SUCCEEDED");
            assertThat(await().atMost(PAGE_TIMEOUT)
                            .ignoreExceptions()
                            .until(() -> browser.findElement(log).getText(), text -> text.contains("released after")))
                    .startsWith(later.strip());
            int attempts = 0;
            for (JsonNode task : api("/runs/" + second).get("tasks")) {
                if (task.get("task_id").asText().equals("talk")) {
                    attempts = task.get("attempts").size();
                }
            }
            assertThat(attempts).isEqualTo(2);
            assertThat(js.executeScript("return window.kindlingSamePage")).isEqualTo("run");
        } finally {
            release(first, "go");
            release(second, "go");
            awaitRunState(first, "SUCCEEDED");
            awaitRunState(second, "SUCCEEDED");
        }
    }

    private static List<String> shownPipelines() {
        return read(() -> browser.findElements(By.cssSelector("[data-testid='pipelines'] tbody tr")).stream()
                .map(row -> row.getAttribute("data-pipeline"))
                .toList());
    }

    private static List<String> ids(JsonNode list) {
        List<String> ids = new ArrayList<>();
        list.get("pipelines").forEach(p -> ids.add(p.get("id").asText()));
        return ids;
    }

    @Test
    void pipelinesAreFoundByNameTagOrOwnerFromTheKeyboardAndTheApiFiltersTheSame() {
        assertThat(ids(api("/pipelines?tag=finance"))).containsExactlyInAnyOrder("home_failing", "home_paused");
        assertThat(ids(api("/pipelines?tag=finance&tag=daily"))).containsExactly("home_failing");
        assertThat(ids(api("/pipelines?owner=DATA-team"))).containsExactlyInAnyOrder("home_failing", "live");
        assertThat(ids(api("/pipelines?q=TALKS&owner=data-team"))).containsExactly("live");
        JsonNode live = api("/pipelines/live");
        assertThat(live.get("owner").asText()).isEqualTo("data-team");
        assertThat(live.get("tags").toString()).isEqualTo("[\"demo\"]");

        browser.get(page("#/pipelines"));
        awaitElement(By.cssSelector("tr[data-pipeline='live']"));
        // from the top of the page, Tab reaches the filter
        browser.findElement(By.tagName("body")).click();
        for (int i = 0;
                i < 30 && !"filter-q".equals(browser.switchTo().activeElement().getAttribute("id"));
                i++) {
            browser.switchTo().activeElement().sendKeys(Keys.TAB);
        }
        WebElement find = browser.switchTo().activeElement();
        assertThat(find.getAttribute("id")).isEqualTo("filter-q");
        find.sendKeys("talks");
        await().atMost(PAGE_TIMEOUT).until(DashboardBrowserTest::shownPipelines, ids -> ids.equals(List.of("live")));
        assertThat(browser.getCurrentUrl()).endsWith("#/pipelines?q=talks");
        // then the tag and owner choices, then the first row's link, which Enter follows
        find.sendKeys(Keys.TAB);
        assertThat(browser.switchTo().activeElement().getAttribute("id")).isEqualTo("filter-tag");
        browser.switchTo().activeElement().sendKeys(Keys.TAB);
        assertThat(browser.switchTo().activeElement().getAttribute("id")).isEqualTo("filter-owner");
        browser.switchTo().activeElement().sendKeys(Keys.TAB);
        assertThat(browser.switchTo().activeElement().getAttribute("href")).endsWith("#/pipelines/live");
        assertThat(accessibilityViolations()).isEmpty();
        browser.switchTo().activeElement().sendKeys(Keys.ENTER);
        assertThat(read(() ->
                        awaitElement(By.cssSelector("[data-testid='labels']")).getText()))
                .contains("demo", "data-team");

        // a tag on the list filters by it; the owner choice narrows further
        browser.get(page("#/pipelines?tag=finance"));
        await().atMost(PAGE_TIMEOUT)
                .until(
                        DashboardBrowserTest::shownPipelines,
                        ids -> ids.size() == 2 && ids.containsAll(List.of("home_failing", "home_paused")));
        screenshot("pipelines-filtered");
        new Select(awaitElement(By.id("filter-owner"))).selectByValue("ops-team");
        await().atMost(PAGE_TIMEOUT)
                .until(DashboardBrowserTest::shownPipelines, ids -> ids.equals(List.of("home_paused")));
        assertThat(browser.findElement(By.cssSelector("[data-testid='filter-count']"))
                        .getText())
                .matches("Showing 1 of \\d+ pipelines");
        assertThat(accessibilityViolations()).isEmpty();
        browser.get(page("#/pipelines"));
        click(By.cssSelector("[data-testid='labels-live'] a.tag"));
        await().atMost(PAGE_TIMEOUT).until(DashboardBrowserTest::shownPipelines, ids -> ids.equals(List.of("live")));
    }
}
