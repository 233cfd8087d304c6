package org.synchub.example;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.synchub.example.client.ChatClient;
import org.synchub.example.servers.AppServer;
import org.synchub.example.servers.CuttableProxy;
import org.synchub.example.servers.WildFlyServer;
import org.synchub.testing.RedisServer;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The chat page in a real browser: headless Chromium (Debian's {@code chromium} and {@code chromium-driver}) driven
 * over WebDriver opens one window on each of two WildFly instances that share a Redis backplane, joins the same room
 * in both, types a line in the first and waits for it in the second, labelled with the first instance; and restarts
 * one instance under its page, which must say it lost the connection, reconnect by itself, show the line sent
 * meanwhile on the other instance as recovered, and relay again. The rooms keep history in Redis (see
 * {@code org.synchub.history}): a page whose network is cut
 * ({@link CuttableProxy}) while lines are sent from the other instance shows exactly those lines once it is back,
 * marked recovered, none twice; and when it missed more than {@code synchub.history.max-recover} (5 here), or Redis
 * lost the history meanwhile (killed and restarted), it says recovery was refused and why, and reloads the room. Screenshots go to {@code target/browser/}. Without Chromium the test
 * fails when {@code CI=true} and is skipped otherwise.
 */
class BrowserIT {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    static final Duration WAIT = Duration.ofSeconds(30);
    /** {@code synchub.history.max-recover} of both instances: a page that missed more is refused. */
    static final int MAX_RECOVER = 5;

    static RedisServer redis;
    static AppServer one;
    static AppServer two;
    static WebDriver browser;
    /** Selenium warns that it has no CDP bindings for this Chromium; WebDriver itself needs none. */
    static final java.util.logging.Logger SELENIUM_LOG = java.util.logging.Logger.getLogger("org.openqa.selenium");

    @BeforeAll
    static void start() throws Exception {
        requireChromium();
        SELENIUM_LOG.setLevel(java.util.logging.Level.SEVERE);
        redis = RedisServer.start();
        Map<String, String> env = Map.of("SYNCHUB_DRIVER", "redis", "SYNCHUB_REDIS_URL", redis.url(),
                "SYNCHUB_CHANNEL", "browser-it", "SYNCHUB_HISTORY_MAX_RECOVER", String.valueOf(MAX_RECOVER));
        one = WildFlyServer.create("browser-1").env(env).env("CHAT_INSTANCE", "node-1");
        two = WildFlyServer.create("browser-2").env(env).env("CHAT_INSTANCE", "node-2");
        AppServer.startAll(one, two);
        ChatClusterContract.awaitLinked(one, two);
        browser = headlessChromium("chromedriver.log");
    }

    @AfterAll
    static void stop() throws Exception {
        ChatClusterContract.stopAll(browser == null ? null : browser::quit, one, two, redis);
    }

    /**
     * Leaves one blank window, so that no page of a test stays connected into the next one. (The servers' session
     * counts are not awaited back to 0 here: after a page navigates away WildFly may keep counting its session for
     * a while, so each test counts the sessions its own pages add.)
     */
    @AfterEach
    void closePages() {
        List<String> windows = List.copyOf(browser.getWindowHandles());
        for (String window : windows.subList(1, windows.size())) {
            browser.switchTo().window(window).close();
        }
        browser.switchTo().window(windows.get(0)).get("about:blank");
    }

    @Test
    void aLineTypedOnOneInstanceAppearsOnTheOtherLabelledWithItsInstance() throws Exception {
        String room = "browser-" + UUID.randomUUID().toString().substring(0, 8);
        String first = browser.getWindowHandle();
        int onOne = ChatClusterContract.sessions(one);
        int onTwo = ChatClusterContract.sessions(two);
        joinRoom(one, "alice", room, "node-1");
        String second = browser.switchTo().newWindow(WindowType.WINDOW).getWindowHandle();
        joinRoom(two, "bob", room, "node-2");
        ChatClusterContract.awaitSubscribed(one, onOne + 1);
        ChatClusterContract.awaitSubscribed(two, onTwo + 1);

        browser.switchTo().window(first);
        String line = "hello from the browser " + UUID.randomUUID();
        browser.findElement(By.id("text")).sendKeys(line);
        browser.findElement(By.id("send")).click();
        WebElement own = new WebDriverWait(browser, WAIT).until(d -> lastMessage(d, "own"));
        assertTrue(own.getText().contains(line), "the sender's page shows its own line: " + own.getText());
        assertTrue(own.getText().contains("alice"), "the sender's own line shows her name: " + own.getText());
        screenshot("sender");

        browser.switchTo().window(second);
        WebElement received = new WebDriverWait(browser, WAIT).until(d -> lastMessage(d, "message"));
        screenshot("receiver");
        assertTrue(received.getText().contains(line), received.getText());
        assertTrue(received.getText().contains("alice"), received.getText());
        assertEquals("node-1", received.getAttribute("data-via"), "labelled with the instance it came through");
        assertEquals(0, browser.findElements(By.cssSelector("#messages li.own")).size(), "bob typed nothing");
    }

    /**
     * The page's link to the annotated rooms ({@code ?rooms=annotated}, served by {@code AnnotatedChatEndpoint}):
     * the same behaviour, a line typed on one instance appears on the other labelled with the first.
     */
    @Test
    void theAnnotatedRoomsBehaveLikeTheExplicitOnes() throws Exception {
        String room = "annotated-" + UUID.randomUUID().toString().substring(0, 8);
        String first = browser.getWindowHandle();
        int onOne = ChatClusterContract.sessions(one);
        int onTwo = ChatClusterContract.sessions(two);
        browser.get(one.baseUri().toString());
        browser.findElement(By.id("other-rooms")).click();
        new WebDriverWait(browser, WAIT).until(d -> "annotated".equals(
                d.findElement(By.id("room-type")).getAttribute("data-rooms")));
        joinRoom(null, "erin", room, "node-1");
        String second = browser.switchTo().newWindow(WindowType.WINDOW).getWindowHandle();
        browser.get(two.baseUri() + "?rooms=annotated");
        joinRoom(null, "frank", room, "node-2");
        ChatClusterContract.awaitSubscribed(one, onOne + 1);
        ChatClusterContract.awaitSubscribed(two, onTwo + 1);

        browser.switchTo().window(first);
        String line = "annotated hello " + UUID.randomUUID();
        browser.findElement(By.id("text")).sendKeys(line);
        browser.findElement(By.id("send")).click();
        browser.switchTo().window(second);
        WebElement received = new WebDriverWait(browser, WAIT).until(d -> lastMessage(d, "message"));
        screenshot("annotated-receiver");
        assertTrue(received.getText().contains(line) && received.getText().contains("erin"), received.getText());
        assertEquals("node-1", received.getAttribute("data-via"), "labelled with the instance it came through");
    }

    @Test
    void aPageWhoseServerRestartsSaysSoThenReconnectsByItselfAndItsLinesCrossAgain() throws Exception {
        String room = "restart-" + UUID.randomUUID().toString().substring(0, 8);
        String first = browser.getWindowHandle();
        int onTwo = ChatClusterContract.sessions(two);
        joinRoom(one, "carol", room, "node-1");
        String second = browser.switchTo().newWindow(WindowType.WINDOW).getWindowHandle();
        joinRoom(two, "dave", room, "node-2");
        ChatClusterContract.awaitSubscribed(two, onTwo + 1);

        int port = one.httpPort();
        one.close();
        browser.switchTo().window(first);
        WebElement lost = new WebDriverWait(browser, WAIT).until(d -> lastMessage(d, "lost"));
        assertTrue(lost.getText().contains("Lost the connection to instance node-1"), lost.getText());
        new WebDriverWait(browser, WAIT).until(d -> "lost".equals(state(d)));
        String retrying = browser.findElement(By.id("status")).getText();
        assertTrue(retrying.contains("node-1") && retrying.contains("attempt"), "status while retrying: " + retrying);
        screenshot("connection-lost");
        // Meanwhile the room goes on on the other instance; the room keeps history on Redis.
        browser.switchTo().window(second);
        String meanwhile = "while node-1 was down " + UUID.randomUUID();
        browser.findElement(By.id("text")).sendKeys(meanwhile);
        browser.findElement(By.id("send")).click();
        new WebDriverWait(browser, WAIT).until(d -> lastMessage(d, "own") != null);
        browser.switchTo().window(first);

        one.preferPort(port);
        one.start();
        assertEquals(port, one.httpPort(), "restarted on the same port, as a restarted server would be");
        new WebDriverWait(browser, WAIT).until(d -> "connected".equals(state(d)));
        assertTrue(browser.findElement(By.id("status")).getText().contains("node-1"));
        List<WebElement> notes = browser.findElements(By.cssSelector("#messages li.system:not(.recovery)"));
        WebElement back = notes.isEmpty() ? null : notes.get(notes.size() - 1);
        assertTrue(back != null && back.getText().startsWith("Reconnected on instance node-1"),
                "the page says it is back: " + (back == null ? null : back.getText()));
        // The line sent while its server was down is recovered after the restart (the history is in Redis).
        new WebDriverWait(browser, WAIT).until(d -> lastMessage(d, "recovery") != null);
        assertEquals(List.of(meanwhile), recovered(browser));
        assertTrue(lastMessage(browser, "recovery").getText().startsWith("Recovered 1 line "),
                lastMessage(browser, "recovery").getText());
        screenshot("reconnected");
        ChatClusterContract.awaitSubscribed(one, 1); // the restarted instance has only the page's session
        // The restarted instance is on the backplane again (the probes' sessions come and go; the pages' stay).
        ChatClusterContract.awaitLinked(one, two, 1, onTwo + 1);

        String line = "after the restart " + UUID.randomUUID();
        browser.findElement(By.id("text")).sendKeys(line);
        browser.findElement(By.id("send")).click();
        browser.switchTo().window(second);
        WebElement received = new WebDriverWait(browser, WAIT).until(d -> {
            WebElement last = lastMessage(d, "message");
            return last != null && last.getText().contains(line) ? last : null;
        });
        assertTrue(received.getText().contains("carol"), received.getText());
        assertEquals("node-1", received.getAttribute("data-via"));
        assertEquals("connected", state(browser), "the other instance's page never lost its connection");
    }

    /**
     * A page on the first instance whose network is cut while the room goes on from the second instance (lines from
     * a member there, and one the page itself typed just before the cut) reconnects by itself and shows exactly the
     * lines it missed, in order, marked recovered; its own line and the lines it had already are not shown twice;
     * then live lines follow, not marked.
     */
    @Test
    void aPageWhoseNetworkDropsShowsExactlyTheLinesItMissedMarkedRecovered() throws Exception {
        String room = "history-" + UUID.randomUUID().toString().substring(0, 8);
        try (CuttableProxy network = new CuttableProxy(one.httpPort());
             ChatClient frank = ChatClusterContract.connect(two, room, "frank");
             ChatClient witness = ChatClusterContract.connect(one, room, "witness")) {
            joinRoom(network, "erin", room);
            frank.say("before the drop");
            awaitLines(List.of("before the drop"));
            browser.findElement(By.id("text")).sendKeys("erin's own line");
            browser.findElement(By.id("send")).click();
            assertEquals("before the drop", witness.nextMessage().getString("text"));
            assertEquals("erin's own line", witness.nextMessage().getString("text"));

            network.cut();
            new WebDriverWait(browser, WAIT).until(d -> "lost".equals(state(d)));
            List<String> missed = List.of("missed 1", "missed 2", "missed 3");
            for (String line : missed) {
                frank.say(line);
            }
            for (String line : missed) { // the lines are in the room's history once they reach the first instance
                assertEquals(line, witness.nextMessage().getString("text"));
            }
            screenshot("history-dropped");
            network.restore();

            new WebDriverWait(browser, WAIT).until(d -> recovered(d).size() == missed.size()
                    && lastMessage(d, "recovery") != null);
            assertEquals(missed, recovered(browser), "exactly the missed lines, in order, marked recovered");
            assertTrue(lastMessage(browser, "recovery").getText().contains("Recovered 3 lines"),
                    lastMessage(browser, "recovery").getText());
            frank.say("after the drop");
            awaitLines(List.of("before the drop", "missed 1", "missed 2", "missed 3", "after the drop"));
            screenshot("history-recovered");
            assertEquals(List.of("erin's own line"), texts(browser, "own"), "its own line once, never replayed");
            assertEquals(missed, recovered(browser), "the live line is not marked recovered");
            assertEquals(0, browser.findElements(By.cssSelector("#messages li.reloaded")).size());
        }
    }

    /**
     * A page that missed more lines than the instances replay ({@code synchub.history.max-recover}) is refused:
     * it says so, reloads the room (the lines from before the drop go, none of the missed ones is shown), and goes
     * on with the live lines.
     */
    @Test
    void aPageThatMissedMoreThanMaxRecoverSaysRecoveryWasRefusedAndReloadsTheRoom() throws Exception {
        String room = "refused-" + UUID.randomUUID().toString().substring(0, 8);
        try (CuttableProxy network = new CuttableProxy(one.httpPort());
             ChatClient frank = ChatClusterContract.connect(two, room, "frank");
             ChatClient witness = ChatClusterContract.connect(one, room, "witness")) {
            joinSayAndCut(network, "gina", room, frank, witness, "before the drop");
            for (int i = 1; i <= MAX_RECOVER + 1; i++) {
                frank.say("missed " + i);
            }
            for (int i = 1; i <= MAX_RECOVER + 1; i++) {
                assertEquals("missed " + i, witness.nextMessage().getString("text"));
            }
            network.restore();

            WebElement notice = new WebDriverWait(browser, WAIT).until(d -> lastMessage(d, "reloaded"));
            new WebDriverWait(browser, WAIT).until(d -> "connected".equals(state(d)));
            screenshot("history-refused");
            assertEquals("TOO_MANY", notice.getAttribute("data-reason"));
            assertTrue(notice.getText().contains("Could not recover") && notice.getText().contains("reloaded"),
                    notice.getText());
            assertEquals(List.of(), texts(browser, "message"), "the room was reloaded: no line from before, none missed");
            frank.say("after the reload");
            awaitLines(List.of("after the reload"));
            assertEquals(List.of(), recovered(browser));
        }
    }

    /**
     * A page away while Redis is killed and restarted (its history gone: a new epoch) is refused as
     * {@code EPOCH_CHANGED} when it comes back: it says the room's history was lost and reloads the room.
     */
    @Test
    void aPageAwayWhileRedisLostTheHistorySaysSoAndReloadsTheRoom() throws Exception {
        String room = "epoch-" + UUID.randomUUID().toString().substring(0, 8);
        try (CuttableProxy network = new CuttableProxy(one.httpPort());
             ChatClient frank = ChatClusterContract.connect(two, room, "frank");
             ChatClient witness = ChatClusterContract.connect(one, room, "witness")) {
            joinSayAndCut(network, "hana", room, frank, witness, "before redis restarted");
            redis.kill();
            redis.restart();
            String link = "link-" + UUID.randomUUID();
            try (ChatClient a = ChatClusterContract.connect(one, link, "link-a");
                 ChatClient b = ChatClusterContract.connect(two, link, "link-b")) { // both instances relay again
                ChatClient.awaitReceives(a, b, WAIT);
                ChatClient.awaitReceives(b, a, WAIT);
            }
            frank.say("after redis restarted");
            String got;
            do { // lines said while Redis was down reach the witness live; wait for this one
                got = witness.nextMessage().getString("text");
            } while (!got.equals("after redis restarted"));
            network.restore();

            WebElement notice = new WebDriverWait(browser, WAIT).until(d -> lastMessage(d, "reloaded"));
            screenshot("history-epoch-changed");
            assertEquals("EPOCH_CHANGED", notice.getAttribute("data-reason"));
            assertTrue(notice.getText().contains("history was lost"), notice.getText());
            assertEquals(List.of(), texts(browser, "message"), "the room was reloaded");
            frank.say("live again");
            awaitLines(List.of("live again"));
        }
    }

    /** Opens the chat page through {@code network} and joins {@code room} as {@code name}, on the first instance. */
    private void joinRoom(CuttableProxy network, String name, String room) {
        browser.get(network.through(one.baseUri()).toString());
        typeAndJoin(browser, name, room);
        new WebDriverWait(browser, WAIT).until(d -> "connected".equals(state(d)));
    }

    /**
     * Joins {@code room} as {@code name} through {@code network}; {@code frank} (on the second instance) says
     * {@code line}, and the page and {@code witness} (on the first) show it; then cuts the network and waits until
     * the page says it lost the connection.
     */
    private void joinSayAndCut(CuttableProxy network, String name, String room, ChatClient frank, ChatClient witness,
            String line) throws Exception {
        joinRoom(network, name, room);
        frank.say(line);
        awaitLines(List.of(line));
        assertEquals(line, witness.nextMessage().getString("text"));

        network.cut();
        new WebDriverWait(browser, WAIT).until(d -> "lost".equals(state(d)));
    }

    /** Waits until the page shows exactly {@code lines} as lines from others (recovered or live), in order. */
    private static void awaitLines(List<String> lines) {
        try {
            new WebDriverWait(browser, WAIT).until(d -> lines.equals(texts(d, "message")));
        } catch (org.openqa.selenium.TimeoutException e) {
            throw new AssertionError("the page shows " + texts(browser, "message") + ", not " + lines, e);
        }
    }

    /** The texts of the lines of {@code kind} (message, own, recovered...), in page order. */
    private static List<String> texts(WebDriver driver, String kind) {
        List<String> texts = new ArrayList<>();
        for (WebElement li : driver.findElements(By.cssSelector("#messages li." + kind + " .text"))) {
            texts.add(li.getText());
        }
        return texts;
    }

    private static List<String> recovered(WebDriver driver) {
        return texts(driver, "recovered");
    }

    /** The status line's state: idle, connecting, connected or lost. */
    private static String state(WebDriver driver) {
        return driver.findElement(By.id("status")).getAttribute("data-state");
    }

    /** Joins {@code room} as {@code name} on {@code server}'s page (null: on the page already open). */
    private void joinRoom(AppServer server, String name, String room, String instance) {
        if (server != null) {
            browser.get(server.baseUri().toString());
        }
        typeAndJoin(browser, name, room);
        new WebDriverWait(browser, WAIT).until(d -> "connected".equals(state(d)));
        String status = browser.findElement(By.id("status")).getText();
        assertTrue(status.contains("Connected to instance " + instance) && status.contains(room)
                && status.contains(name), "the status line says where the page is connected: " + status);
    }

    private static WebElement lastMessage(WebDriver driver, String kind) {
        List<WebElement> items = driver.findElements(By.cssSelector("#messages li." + kind));
        return items.isEmpty() ? null : items.get(items.size() - 1);
    }

    private static void screenshot(String name) throws Exception {
        screenshot(browser, name);
    }

    /**
     * Starts headless Chromium over WebDriver for a browser test ({@link PresenceBrowserIT} too), chromedriver on any
     * free port logging to {@code logName} in {@link AppServer#workDir()}. The caller quits it.
     */
    static WebDriver headlessChromium(String logName) {
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .withLogFile(AppServer.workDir().resolve(logName).toFile())
                .build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--window-size=1100,900",
                // Both windows must run their timers (the page's reconnect backoff) at full speed.
                "--disable-background-timer-throttling", "--disable-backgrounding-occluded-windows",
                "--disable-renderer-backgrounding");
        return new ChromeDriver(service, options);
    }

    /** Types {@code name} and {@code room} into the open chat page of {@code driver} and clicks Join. */
    static void typeAndJoin(WebDriver driver, String name, String room) {
        driver.findElement(By.id("name")).sendKeys(name);
        WebElement roomField = driver.findElement(By.id("room"));
        roomField.clear();
        roomField.sendKeys(room);
        driver.findElement(By.id("join")).click();
    }

    /** Saves {@code driver}'s window as {@code target/browser/<name>.png} and prints where. */
    static void screenshot(WebDriver driver, String name) throws Exception {
        File shot = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE);
        Path target = AppServer.workDir().resolveSibling("browser").resolve(name + ".png");
        Files.createDirectories(target.getParent());
        Files.copy(shot.toPath(), target, StandardCopyOption.REPLACE_EXISTING);
        System.out.println("screenshot: " + target.toAbsolutePath());
    }

    /** Chromium must be installed in CI; elsewhere its absence skips this test with a message saying how to add it. */
    static void requireChromium() {
        boolean present = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
        String message = "headless Chromium is needed: " + CHROMIUM + " and " + CHROMEDRIVER
                + " (Debian: apt-get install -y chromium chromium-driver)";
        if (!present && "true".equals(System.getenv("CI"))) {
            throw new AssertionError(message + " — CI=true, so this is a failure, not a skip");
        }
        if (!present) {
            System.out.println("SKIPPED BrowserIT: " + message); // the console says why, not only the reports
        }
        Assumptions.assumeTrue(present, message);
    }
}
