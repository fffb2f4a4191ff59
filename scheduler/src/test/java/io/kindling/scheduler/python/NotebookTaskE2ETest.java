package io.kindling.scheduler.python;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import io.kindling.scheduler.KindlingConfiguration;
import io.kindling.scheduler.support.Http;
import io.kindling.scheduler.support.KindlingApp;
import io.kindling.scheduler.support.TestPython;
import jakarta.ws.rs.core.Response;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Notebook tasks through the daemon's API on the default local executor: the notebook's cells run with real PySpark
 * (the test venv) against the executor's Spark, and the executed copy is served by the API and shown on the run
 * page (headless Chromium, when installed).
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class NotebookTaskE2ETest {
    private static final KindlingApp APP = KindlingApp.create(false, "pipelines/notebook")
            .withOverrides(ConfigOverride.config("executors.local.options.python", TestPython.interpreter()));
    static final DropwizardAppExtension<KindlingConfiguration> EXTENSION = APP.extension;
    private static final Duration SPARK = Duration.ofMinutes(3);
    private static final Duration PAGE = Duration.ofSeconds(60);
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private final Http http = new Http(APP);

    private JsonNode run(String pipeline, Map<String, Object> params) {
        String runId = http.post("/pipelines/" + pipeline + "/runs", Map.of("params", params), 201)
                .get("run_id")
                .asText();
        return await().atMost(SPARK)
                .pollInterval(Duration.ofMillis(200))
                .until(
                        () -> http.get("/runs/" + runId),
                        r -> r.get("state").asText().matches("SUCCEEDED|FAILED"));
    }

    private JsonNode notebook(String runId) {
        return http.get("/runs/" + runId + "/tasks/report/notebook");
    }

    private static String text(JsonNode multiline) {
        if (multiline.isTextual()) {
            return multiline.asText();
        }
        StringBuilder text = new StringBuilder();
        multiline.forEach(line -> text.append(line.asText()));
        return text.toString();
    }

    private static List<JsonNode> codeCells(JsonNode notebook) {
        List<JsonNode> cells = new ArrayList<>();
        notebook.get("cells").forEach(cell -> {
            if (cell.get("cell_type").asText().equals("code")) {
                cells.add(cell);
            }
        });
        return cells;
    }

    @Test
    void theExecutedCopyShowsTheInjectedParametersAndEachCellsOutputs() {
        JsonNode run = run("nb_report", Map.of("label", "monthly"));

        assertThat(run.get("state").asText()).as(run.toString()).isEqualTo("SUCCEEDED");
        String ds = run.get("logical_time").asText().substring(0, 10);
        List<JsonNode> cells = codeCells(notebook(run.get("run_id").asText()));
        assertThat(cells).hasSize(4);
        JsonNode injected = cells.get(1);
        assertThat(injected.get("metadata").get("tags").get(0).asText()).isEqualTo("injected-parameters");
        assertThat(text(injected.get("source"))).isEqualTo("# Parameters\nlabel = 'monthly'\nday = '" + ds + "'\n");
        JsonNode counted = cells.get(2).get("outputs").get(0);
        assertThat(counted.get("output_type").asText()).isEqualTo("stream");
        assertThat(text(counted.get("text"))).isEqualTo("monthly report for " + ds + ": 5 rows\n");
        JsonNode result = cells.get(3).get("outputs").get(0);
        assertThat(result.get("output_type").asText()).isEqualTo("execute_result");
        assertThat(text(result.get("data").get("text/plain"))).isEqualTo("50");
        assertThat(cells.stream().map(c -> c.get("execution_count").asInt()).toList())
                .containsExactly(1, 2, 3, 4);
        JsonNode task = run.get("tasks").get(0);
        assertThat(task.get("values").get("rows").asLong()).as(task.toString()).isEqualTo(5);
        // its Connect session's Spark work is the attempt's, in the Spark process of the local executor
        JsonNode metrics = task.get("attempts").get(0).get("spark_metrics");
        assertThat(metrics).as(task.toString()).isNotNull();
        assertThat(metrics.get("jobs").get("succeeded").asLong()).isPositive();
        assertThat(metrics.get("tasks").get("succeeded").asLong()).isPositive();
    }

    @Test
    void aFailingCellFailsTheAttemptWithItsErrorAndTheCopyShowsIt() {
        JsonNode run = run("nb_broken", Map.of());

        assertThat(run.get("state").asText()).as(run.toString()).isEqualTo("FAILED");
        JsonNode attempt = run.get("tasks").get(0).get("attempts").get(0);
        assertThat(attempt.get("error").asText()).isEqualTo("cell 3: ValueError: bad total 3");
        List<JsonNode> cells = codeCells(notebook(run.get("run_id").asText()));
        assertThat(text(cells.get(0).get("outputs").get(0).get("text"))).isEqualTo("before the failure\n");
        JsonNode error = cells.get(1).get("outputs").get(0);
        assertThat(error.get("output_type").asText()).isEqualTo("error");
        assertThat(error.get("ename").asText()).isEqualTo("ValueError");
        assertThat(error.get("evalue").asText()).isEqualTo("bad total 3");
        assertThat(cells.get(2).get("outputs")).isEmpty();
        assertThat(cells.get(2).get("execution_count").isNull()).isTrue();
        Response noAttempt = EXTENSION
                .client()
                .target(APP.api("/runs/" + run.get("run_id").asText() + "/tasks/report/notebook?attempt=2"))
                .request()
                .get();
        assertThat(noAttempt.getStatus()).isEqualTo(404);
    }

    private static JsonNode data(JsonNode cell, int output) {
        return cell.get("outputs").get(output).get("data");
    }

    @Test
    void paramsKeepTheirTypesAndOutputsTheirRichForms() {
        JsonNode run = run("nb_rich", Map.of());

        assertThat(run.get("state").asText()).as(run.toString()).isEqualTo("SUCCEEDED");
        List<JsonNode> cells = codeCells(notebook(run.get("run_id").asText()));
        assertThat(text(cells.get(1).get("source")))
                .isEqualTo("# Parameters\nrows = 20\nratio = 0.5\nflags = [True, None]\n");
        assertThat(text(cells.get(2).get("outputs").get(0).get("text"))).isEqualTo("int float [True, None]\n");
        // a Spark DataFrame of 25 rows: its first 20, as a table and as show()'s text
        String table = text(data(cells.get(3), 0).get("text/html"));
        assertThat(table).contains("<th>id</th><th>twice</th>").contains("<td>19</td><td>38</td>");
        assertThat(table.split("<tr>", -1)).hasSize(22); // the header and 20 rows
        assertThat(table).doesNotContain("<tr><td>20</td>").endsWith("<p>only the first 20 rows shown</p>");
        assertThat(text(data(cells.get(3), 0).get("text/plain")))
                .startsWith("+--+-----+\n|id|twice|\n+--+-----+\n| 0|    0|\n")
                .endsWith("only the first 20 rows shown");
        // %%sql: spark.sql's rows, the text escaped in the HTML
        assertThat(text(data(cells.get(4), 0).get("text/html")))
                .contains("<th>label</th><th>n</th>")
                .contains("<td>a&lt;b&gt;</td><td>7</td>")
                .endsWith("<p>1 row</p>");
        JsonNode pandas = cells.get(5).get("outputs").get(0);
        assertThat(pandas.get("output_type").asText()).isEqualTo("display_data");
        assertThat(text(pandas.get("data").get("text/html"))).contains("<table").contains("<th>x</th>");
        JsonNode shown = cells.get(6).get("outputs");
        assertThat(text(shown.get(0).get("data").get("text/html"))).contains("<script>");
        assertThat(shown.get(1).get("data").get("image/png").asText()).startsWith("iVBORw0KGgo");
        assertThat(text(shown.get(2).get("data").get("image/svg+xml"))).startsWith("<svg");
    }

    @Test
    void aKillWhileTheNextCopyIsWrittenLeavesNoTemporaryFile() throws Exception {
        JsonNode run = run("nb_killed", Map.of());

        assertThat(run.get("state").asText()).as(run.toString()).isEqualTo("FAILED");
        JsonNode attempt = run.get("tasks").get(0).get("attempts").get(0);
        assertThat(attempt.get("error").asText()).startsWith("the Python process was killed by signal 9");
        List<JsonNode> cells = codeCells(notebook(run.get("run_id").asText()));
        assertThat(text(cells.get(0).get("outputs").get(0).get("text"))).isEqualTo("first cell\n");
        Path runLogs = APP.workDir
                .resolve("data/logs/nb_killed")
                .resolve(run.get("run_id").asText());
        try (var files = Files.list(runLogs)) {
            assertThat(files.map(f -> f.getFileName().toString()))
                    .contains("report.1.log.ipynb")
                    .noneMatch(name -> name.endsWith(".tmp"));
        }
    }

    @Test
    void theRunPageShowsTheExecutedNotebookReadOnly() {
        Assumptions.assumeTrue(
                Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "the dashboard's browser tests need Chromium and its driver: .ci/run installs them");
        String runId = run("nb_broken", Map.of()).get("run_id").asText();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage");
        WebDriver browser = new ChromeDriver(
                new ChromeDriverService.Builder()
                        .usingDriverExecutable(CHROMEDRIVER.toFile())
                        .usingAnyFreePort()
                        .build(),
                options);
        try {
            String base = "http://localhost:" + EXTENSION.getLocalPort();
            browser.get(base + "/login?token=" + KindlingApp.ADMIN_TOKEN + "&next=/%23/runs/" + runId);
            By notebook = By.cssSelector("[data-testid='notebook-report/1'] summary");
            await().atMost(PAGE).ignoreExceptions().until(() -> {
                browser.findElement(notebook).click();
                return true;
            });
            By cells = By.cssSelector("[data-testid='notebook-report/1'] li.nb-cell");
            List<String> shown = await().atMost(PAGE)
                    .ignoreExceptions()
                    .until(
                            () -> browser.findElements(cells).stream()
                                    .map(WebElement::getText)
                                    .toList(),
                            texts -> texts.size() == 4);
            assertThat(shown.get(0))
                    .contains("In [1]")
                    .contains("print('before the failure')")
                    .contains("before the failure");
            assertThat(shown.get(1)).contains("markdown").contains("a note");
            assertThat(shown.get(2)).contains("In [2]").contains("ValueError: bad total 3");
            assertThat(shown.get(3)).contains("In [ ]").contains("print('never printed')");

            // rich outputs: HTML in sandboxed frames, images as data: URIs, and nothing of theirs runs in the page
            String richRun = run("nb_rich", Map.of()).get("run_id").asText();
            browser.get(base + "/#/runs/" + richRun);
            await().atMost(PAGE).ignoreExceptions().until(() -> {
                browser.findElement(notebook).click();
                return true;
            });
            By frames = By.cssSelector("[data-testid='notebook-report/1'] iframe.nb-html");
            List<WebElement> html = await().atMost(PAGE)
                    .ignoreExceptions()
                    .until(() -> browser.findElements(frames), found -> found.size() == 4);
            assertThat(html)
                    .allSatisfy(
                            frame -> assertThat(frame.getAttribute("sandbox")).isEmpty());
            browser.switchTo().frame(html.get(0));
            assertThat(browser.findElements(By.cssSelector("tbody tr"))).hasSize(20);
            browser.switchTo().defaultContent();
            browser.switchTo().frame(html.get(3));
            assertThat(await().atMost(PAGE)
                            .ignoreExceptions()
                            .until(() -> browser.findElement(By.id("rich")).getText(), "rich html"::equals))
                    .isEqualTo("rich html");
            assertThat(browser.findElements(By.id("ran")))
                    .as("the output's script did not run")
                    .isEmpty();
            browser.switchTo().defaultContent();
            List<WebElement> images =
                    browser.findElements(By.cssSelector("[data-testid='notebook-report/1'] img.nb-image"));
            assertThat(images).hasSize(2);
            assertThat(images.get(0).getAttribute("src")).startsWith("data:image/png;base64,iVBORw0KGgo");
            assertThat(images.get(1).getAttribute("src")).startsWith("data:image/svg+xml;base64,");
            JavascriptExecutor page = (JavascriptExecutor) browser;
            await().atMost(PAGE)
                    .until(() -> images.stream()
                            .allMatch(image ->
                                    ((Number) page.executeScript("return arguments[0].naturalWidth", image)).intValue()
                                            > 0));
            assertThat(browser.getTitle())
                    .as("no output changed the page's title")
                    .doesNotContain("pwned");
        } finally {
            browser.quit();
        }
    }
}
