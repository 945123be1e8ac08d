package io.tailwatch.collector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.tailwatch.collector.cli.CollectorMain;
import io.tailwatch.testsupport.ForkedService;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The live page in Debian's headless Chromium, driven by Selenium through Debian's chromedriver (so
 * Selenium Manager downloads nothing). The collector runs in-process with its page on a free port,
 * reading a real service with the real agent under {@code ab} load, and a second, hostile target
 * whose answer holds markup; a rule that fires at once ({@code qps > 0 for 0s}) goes to Debian's
 * {@code prometheus-alertmanager}. Every wait is for a condition with a generous deadline, never a
 * duration asserted, so that a slow shared machine only makes the test slower.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CollectorBrowserIT {

    private static final String RULE = "qps > 0 for 0s";
    private static final Duration DEADLINE = Duration.ofSeconds(60);
    /** A label value and a trailing text that would run script if the page ever used them as markup. */
    private static final String HOSTILE = "tailwatch_hostile{label=\"<img src=x onerror=\\\"window.injected=1\\\">\"} 1"
            + " <script>window.injected=2</script>\n";

    private ForkedService service;
    private HttpServer hostile;
    private AlertmanagerServer alertmanager;
    private Process load;
    private Thread collector;
    private final ByteArrayOutputStream collectorOut = new ByteArrayOutputStream();
    private final ByteArrayOutputStream collectorErr = new ByteArrayOutputStream();
    private ChromeDriver browser;
    private String metricsName;
    private String hostileName;
    private String page;

    @BeforeAll
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void startEverything() throws Exception {
        Path dir = Path.of("target", "collector-browser").toAbsolutePath();
        service = ForkedService.service(Path.of(System.getProperty("java.home")), "io.tailwatch.testservices.JdkHttpService", 4,
                "host=127.0.0.1,port=0");
        metricsName = "127.0.0.1:" + service.metricsPort();

        hostile = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4);
        hostile.createContext("/metrics", exchange -> {
            byte[] body = HOSTILE.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        hostile.start();
        hostileName = "127.0.0.1:" + hostile.getAddress().getPort();

        alertmanager = AlertmanagerServer.start(dir.resolve("alertmanager"));

        // ab for up to two minutes, stopped by the last test: load all along, so that QPS moves between reads.
        load = new ProcessBuilder("ab", "-q", "-k", "-t", "120", "-n", "100000000", "-c", "2",
                "http://127.0.0.1:" + service.servicePort() + "/hello")
                .redirectErrorStream(true).redirectOutput(dir.resolve("ab.log").toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();

        int webPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            webPort = socket.getLocalPort();
        }
        page = "http://127.0.0.1:" + webPort + "/";
        String[] args = {"--target", metricsName, "--target", hostileName, "--scenario", "keepalive-ab",
            "--web", "127.0.0.1:" + webPort, "--alert", RULE, "--alertmanager", alertmanager.url};
        PrintStream out = new PrintStream(collectorOut, true, StandardCharsets.UTF_8);
        PrintStream err = new PrintStream(collectorErr, true, StandardCharsets.UTF_8);
        collector = new Thread(() -> {
            try {
                CollectorMain.run(args, out, err);
            } catch (RuntimeException e) {
                // Interrupted at the end of the test: the live loop's way of stopping.
            }
        }, "collector");
        collector.setDaemon(true);
        collector.start();
        await("the collector's page at " + page, () -> collectorOut().contains("live page at " + page));

        System.setProperty("webdriver.chrome.driver", "/usr/bin/chromedriver");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(Path.of("/usr/bin/chromium").toFile());
        // --no-sandbox: CI runs as root, where Chromium refuses its sandbox.
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,1300");
        ChromeDriverService driverService = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File("/usr/bin/chromedriver")).usingAnyFreePort().build();
        browser = new ChromeDriver(driverService, options);
        browser.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(60));
        browser.get(page);
    }

    @AfterAll
    void stopEverything() throws Exception {
        if (browser != null) {
            browser.quit();
        }
        if (collector != null) {
            collector.interrupt();
            collector.join(10_000);
        }
        if (load != null) {
            load.destroy();
        }
        if (alertmanager != null) {
            alertmanager.close();
        }
        if (hostile != null) {
            hostile.stop(0);
        }
        if (service != null) {
            service.close();
        }
        System.out.println("CollectorBrowserIT collector stderr:\n" + collectorErr.toString(StandardCharsets.UTF_8));
    }

    @Test
    @Order(1)
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void theTableAndTheQpsChartFollowTheLoad() throws Exception {
        // The service's row among the study's frameworks, with a QPS figure and a rank.
        String first = await("a QPS above 0 in the service's row", () -> {
            String qps = qpsCell();
            return qps != null && !qps.equals("-") && Double.parseDouble(qps) > 0 ? qps : null;
        });
        assertEquals(8, browser.findElements(By.cssSelector("#table tbody tr")).size() - 1,
                "the seven frameworks of keepalive-ab and the service, plus the hostile target's row");
        String rank = liveQpsCell().findElement(By.className("rank")).getText();
        assertTrue(rank.matches("[1-8]/8"), "the service's QPS ranked among the seven frameworks: " + rank);

        WebElement chart = browser.findElement(By.id("chart-qps"));
        int points = Integer.parseInt(chart.getAttribute("data-points"));
        String last = chart.getAttribute("data-last");
        await("the QPS chart to gain a point with a new value", () -> {
            WebElement c = browser.findElement(By.id("chart-qps"));
            return Integer.parseInt(c.getAttribute("data-points")) > points && !c.getAttribute("data-last").equals(last) ? true : null;
        });
        await("the QPS cell to change", () -> {
            String now = qpsCell();
            return now != null && !now.equals(first) ? now : null;
        });
        assertFalse(browser.findElements(By.cssSelector("#chart-qps canvas")).isEmpty(), "uPlot drew the chart");
        assertFalse(browser.findElements(By.cssSelector("#chart-p99 canvas")).isEmpty(), "P99 with GC pauses");
    }

    @Test
    @Order(2)
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void markupFromATargetIsShownAsTextAndInjectsNothing() throws Exception {
        String error = await("the hostile target's row", () -> {
            for (WebElement row : browser.findElements(By.cssSelector("#table tbody tr"))) {
                if (row.getText().startsWith(hostileName)) {
                    return row.findElement(By.cssSelector("td.error")).getText();
                }
            }
            return null;
        });
        assertTrue(error.contains("<img src=x onerror=") && error.contains("<script>window.injected=2</script>"),
                "the markup is on the page as text: " + error);
        assertEquals(0, browser.findElements(By.cssSelector("img")).size(), "no <img> element was injected");
        assertEquals(2, browser.findElements(By.cssSelector("script")).size(), "only the page's two scripts");
        assertEquals(null, browser.executeScript("return window.injected === undefined ? null : window.injected;"));
    }

    @Test
    @Order(3)
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void anAlertFiresOnThePageAndReachesAlertmanagerThenResolves() throws Exception {
        String firing = await("the alert firing on the page", () -> {
            for (WebElement item : browser.findElements(By.cssSelector("#alerts-active li"))) {
                if (RULE.equals(item.getAttribute("data-rule")) && "firing".equals(item.getAttribute("data-state"))
                        && item.getText().contains(metricsName)) {
                    return item.getText();
                }
            }
            return null;
        });
        assertTrue(firing.startsWith("FIRING: " + RULE + " on " + metricsName + ", value "), firing);
        assertTrue(collectorErr().contains("alert firing: " + RULE + " on " + metricsName), collectorErr());
        screenshot();

        JsonNode alert = await("the alert in Alertmanager's API", () -> {
            List<JsonNode> alerts = alertmanager.alerts(RULE);
            return alerts.isEmpty() ? null : alerts.get(0);
        });
        assertEquals(metricsName, alert.path("labels").path("instance").asText(), alert.toString());
        assertEquals("http://" + metricsName + "/metrics", alert.path("labels").path("target").asText());
        assertTrue(alert.path("annotations").path("value").asText().endsWith(" req/s"), alert.toString());
        assertEquals("active", alert.path("status").path("state").asText(), alert.toString());

        // No load: once the window has no request, QPS is 0, the alert resolves and Alertmanager lets it go.
        load.destroy();
        assertTrue(load.waitFor(30, TimeUnit.SECONDS), "ab did not stop");
        await("the alert resolved in the collector's output", () -> collectorErr().contains("alert resolved: " + RULE) ? true : null);
        await("the resolved alert gone from Alertmanager's active alerts", () -> alertmanager.alerts(RULE).isEmpty() ? true : null);
        await("the resolved event on the page", () -> {
            for (WebElement item : browser.findElements(By.cssSelector("#alerts-events li.resolved"))) {
                if (item.getDomProperty("textContent").contains(RULE)) {
                    return true;
                }
            }
            return null;
        });
    }

    private String qpsCell() {
        WebElement cell = liveQpsCell();
        return cell == null ? null : cell.getAttribute("data-value");
    }

    private WebElement liveQpsCell() {
        for (WebElement row : browser.findElements(By.cssSelector("#table tbody tr.live"))) {
            List<WebElement> cells = row.findElements(By.tagName("td"));
            if (!cells.isEmpty() && cells.get(0).getText().equals(metricsName)) {
                for (WebElement cell : cells) {
                    if ("qps".equals(cell.getAttribute("data-key"))) {
                        return cell;
                    }
                }
            }
        }
        return null;
    }

    private void screenshot() throws IOException {
        Path file = Path.of("target", "collector-browser.png");
        Files.write(file, ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
        System.out.println("CollectorBrowserIT screenshot: " + file.toAbsolutePath());
    }

    private String collectorOut() {
        return collectorOut.toString(StandardCharsets.UTF_8);
    }

    private String collectorErr() {
        return collectorErr.toString(StandardCharsets.UTF_8);
    }

    interface Probe<T> {
        T get() throws Exception;
    }

    /** Polls until the probe returns non-null; fails after {@link #DEADLINE} with what the collector printed. */
    private <T> T await(String what, Probe<T> probe) throws Exception {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        Exception last = null;
        while (System.nanoTime() < deadline) {
            try {
                T value = probe.get();
                if (value != null) {
                    return value;
                }
            } catch (org.openqa.selenium.StaleElementReferenceException | IOException e) {
                // The page rebuilt the table between finding an element and reading it: try again.
                last = e;
            }
            Thread.sleep(200);
        }
        try {
            screenshot();
        } catch (Exception ignored) {
            // The failure below says what matters.
        }
        fail("no " + what + " within " + DEADLINE.toSeconds() + " s" + (last == null ? "" : " (last: " + last + ")")
                + "\ncollector stderr:\n" + collectorErr() + "\ncollector stdout (end):\n"
                + collectorOut().substring(Math.max(0, collectorOut().length() - 3000)));
        return null;
    }
}
