package org.synchub.example;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.synchub.example.servers.AppServer;
import org.synchub.example.servers.WildFlyServer;
import org.synchub.testing.PostgresServer;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Who is in the room, in a real browser (headless Chromium over WebDriver, as {@link BrowserIT}), on two WildFly
 * instances sharing a private PostgreSQL with presence on for every room and a 3 s time to live: bob's page on
 * node-2 lists alice's two tabs (node-1 and node-2) with one "alice joined" line; carol closing her only tab gives
 * "carol left"; alice closing one of her two tabs gives no line; and node-1 killed (SIGKILL, no goodbye) makes
 * "alice left" appear on bob's page within the time to live plus a refresh period, marked as her instance
 * stopping. Screenshots go to {@code target/browser/}.
 */
class PresenceBrowserIT {

    static final Duration WAIT = Duration.ofSeconds(30);
    static final int TTL_SECONDS = 3;

    static PostgresServer postgres;
    static AppServer one;
    static AppServer two;
    static WebDriver browser;

    @BeforeAll
    static void start() throws Exception {
        BrowserIT.requireChromium();
        BrowserIT.SELENIUM_LOG.setLevel(java.util.logging.Level.SEVERE);
        postgres = PostgresServer.launch();
        Map<String, String> env = Map.of("SYNCHUB_DRIVER", "pgsql", "SYNCHUB_PGSQL_URL", postgres.jdbcUrl(),
                "SYNCHUB_PGSQL_USER", postgres.user(), "SYNCHUB_CHANNEL", "presence-it",
                "SYNCHUB_PRESENCE_TOPICS", "*", "SYNCHUB_PRESENCE_TTL_SECONDS", String.valueOf(TTL_SECONDS));
        one = WildFlyServer.create("presence-1").env(env).env("CHAT_INSTANCE", "node-1");
        two = WildFlyServer.create("presence-2").env(env).env("CHAT_INSTANCE", "node-2");
        AppServer.startAll(one, two);
        ChatClusterContract.awaitLinked(one, two);
        browser = BrowserIT.headlessChromium("chromedriver-presence.log");
    }

    @AfterAll
    static void stop() throws Exception {
        ChatClusterContract.stopAll(browser == null ? null : browser::quit, one, two, postgres);
    }

    @Test
    void theRoomListsEveryoneAcrossInstancesAndSaysWhoJoinedAndLeftOnce() throws Exception {
        String room = "presence-" + UUID.randomUUID().toString().substring(0, 8);
        String bob = browser.getWindowHandle();
        joinRoom(two, "bob", room);
        String alice1 = browser.switchTo().newWindow(WindowType.WINDOW).getWindowHandle();
        joinRoom(one, "alice", room);
        String alice2 = browser.switchTo().newWindow(WindowType.WINDOW).getWindowHandle();
        joinRoom(two, "alice", room);
        String carol = browser.switchTo().newWindow(WindowType.WINDOW).getWindowHandle();
        joinRoom(one, "carol", room);

        browser.switchTo().window(bob);
        awaitPerson("alice", "2", List.of("node-1", "node-2"));
        awaitPerson("carol", "1", List.of("node-1"));
        awaitPerson("bob", "1", List.of("node-2"));
        assertEquals(1, lines("join", "alice joined").size(), "two tabs, one line: " + allLines());
        screenshot("presence-everyone");

        browser.switchTo().window(alice1); // a page opened later gets the list read on joining
        awaitPerson("bob", "1", List.of("node-2"));
        awaitPerson("alice", "2", List.of("node-1", "node-2"));

        browser.switchTo().window(carol).close();
        browser.switchTo().window(bob);
        await().until(d -> !lines("leave", "carol left").isEmpty());
        awaitGone("carol");
        assertTrue(lines("leave", "carol left").get(0).getText().endsWith("carol left"),
                "a closed tab is no stopped instance: " + allLines());

        browser.switchTo().window(alice2).close();
        browser.switchTo().window(bob);
        awaitPerson("alice", "1", List.of("node-1"));
        assertEquals(List.of(), lines("leave", "alice left"), "alice still has a tab: " + allLines());

        List<ProcessHandle> jvm = new java.util.ArrayList<>(one.serverJvm().descendants().toList());
        jvm.add(one.serverJvm());
        long killed = System.nanoTime();
        jvm.forEach(ProcessHandle::destroyForcibly); // kill -9: no leave from node-1
        await().until(d -> !lines("leave", "alice left").isEmpty());
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed);
        screenshot("presence-instance-killed");
        System.out.println("alice's leave after node-1 was killed: " + millis + " ms (ttl " + TTL_SECONDS + " s)");
        String line = lines("leave", "alice left").get(0).getText();
        assertTrue(line.contains("node-1 stopped answering"), line);
        awaitGone("alice");
        awaitPerson("bob", "1", List.of("node-2"));
        // the ttl, a refresh period of the survivor, and slack for a loaded machine
        assertTrue(millis < TimeUnit.SECONDS.toMillis(TTL_SECONDS * 4L / 3 + 8), "within the bound: " + millis);
        assertEquals(1, lines("leave", "alice left").size(), "one leave line: " + allLines());
    }

    private static void joinRoom(AppServer server, String name, String room) {
        browser.get(server.baseUri().toString());
        BrowserIT.typeAndJoin(browser, name, room);
        await().until(d -> "connected".equals(d.findElement(By.id("status"))
                .getAttribute("data-state")));
        await().until(d -> d.findElement(By.id("people-panel")).isDisplayed()
                && !d.findElements(By.cssSelector("#people li[data-name='" + name + "']")).isEmpty());
    }

    /** A wait that retries when the list was redrawn under it (the page rebuilds it on every change). */
    private static WebDriverWait await() {
        WebDriverWait wait = new WebDriverWait(browser, WAIT);
        wait.ignoring(StaleElementReferenceException.class);
        return wait;
    }

    /** Waits until the list shows {@code name} with {@code tabs} tabs on exactly {@code instances}. */
    private static void awaitPerson(String name, String tabs, List<String> instances) {
        WebDriverWait wait = await();
        wait.withMessage(() -> name + " with " + tabs + " tab(s) on " + instances
                + "; the list: " + browser.findElement(By.id("people")).getText()).until(d -> {
                    List<WebElement> found = d.findElements(By.cssSelector("#people li[data-name='" + name + "']"));
                    if (found.size() != 1 || !tabs.equals(found.get(0).getAttribute("data-tabs"))) {
                        return false;
                    }
                    return found.get(0).findElements(By.className("badge")).stream().map(WebElement::getText)
                            .toList().equals(instances);
                });
    }

    private static void awaitGone(String name) {
        await().until(d -> d.findElements(By.cssSelector("#people li[data-name='" + name
                + "']")).isEmpty());
    }

    /** The join or leave lines that start with {@code text}. */
    private static List<WebElement> lines(String event, String text) {
        return browser.findElements(By.cssSelector("#messages li.presence[data-event='" + event + "']")).stream()
                .filter(li -> li.findElement(By.className("text")).getText().startsWith(text)).toList();
    }

    private static String allLines() {
        return browser.findElement(By.id("messages")).getText();
    }

    private static void screenshot(String name) throws Exception {
        BrowserIT.screenshot(browser, name);
    }
}
