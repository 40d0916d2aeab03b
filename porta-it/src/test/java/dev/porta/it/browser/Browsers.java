// SPDX-License-Identifier: Apache-2.0
package dev.porta.it.browser;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import dev.porta.common.testing.RequiredService;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

/**
 * Headless Debian Chromium for the end-to-end tests: one browser process per person (own fake camera
 * and microphone), every page watched by {@code media-probe.js}. Close it in {@code @AfterAll}.
 */
public final class Browsers implements AutoCloseable {
    public static final String CHROMIUM = System.getProperty("chromium.binary", "/usr/lib/chromium/chromium");
    private static final List<String> ARGS = List.of("--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
            "--allow-loopback-in-peer-connection", "--autoplay-policy=no-user-gesture-required");

    private final Playwright playwright;
    private final Path mediaDir;
    private final String probe;
    private final List<Browser> browsers = new CopyOnWriteArrayList<>();
    private final Map<String, Page> pages = new java.util.concurrent.ConcurrentHashMap<>();
    /** Page errors and console errors of every page, for failure messages. */
    public final List<String> log = new CopyOnWriteArrayList<>();

    private Browsers(Playwright playwright, Path mediaDir, String probe) {
        this.playwright = playwright;
        this.mediaDir = mediaDir;
        this.probe = probe;
    }

    /** Skips (or, with porta.require, fails) when Chromium is missing. */
    public static Browsers start() throws IOException {
        RequiredService.require("chromium", Files.isExecutable(Path.of(CHROMIUM)),
                "apt-get install -y chromium (Debian), or pass -Dchromium.binary=/path/to/chromium");
        String probe;
        try (InputStream in = Objects.requireNonNull(Browsers.class.getResourceAsStream("/browser/media-probe.js"))) {
            probe = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Playwright pw = Playwright.create(new Playwright.CreateOptions().setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
        return new Browsers(pw, Files.createTempDirectory("porta-e2e-media"), probe);
    }

    /**
     * A new browser whose camera shows {@code who}'s colour and whose microphone plays its tone. The
     * server's self-signed certificate is accepted (the test's Porta is made up on the spot).
     */
    public Page open(Participant who, String name) {
        return open(who, name, Path.of(CHROMIUM));
    }

    /**
     * As {@link #open(Participant, String)}, with {@code executable} started in place of Chromium: a
     * wrapper that runs Chromium elsewhere (in another network namespace) with the arguments it is given.
     */
    public Page open(Participant who, String name, Path executable) {
        return open(who, name, executable, List.of());
    }

    /**
     * As {@link #open(Participant, String)}, for a person whose browser prefers {@code locale} ("it",
     * "ko"): {@code navigator.languages} and Accept-Language say it, as Chromium started with that UI
     * language would.
     */
    public Page openWithLocale(Participant who, String name, String locale) {
        return open(who, name, Path.of(CHROMIUM), List.of(), locale);
    }

    /** As {@link #open(Participant, String, Path)}, with {@code extraArgs} added to Chromium's command line. */
    public Page open(Participant who, String name, Path executable, List<String> extraArgs) {
        return open(who, name, executable, extraArgs, null);
    }

    private Page open(Participant who, String name, Path executable, List<String> extraArgs, String locale) {
        try {
            List<String> args = new ArrayList<>(ARGS);
            args.addAll(extraArgs);
            args.add("--use-file-for-fake-video-capture=" + who.camera(mediaDir));
            args.add("--use-file-for-fake-audio-capture=" + who.microphone(mediaDir));
            Browser browser = playwright.chromium().launch(new BrowserType.LaunchOptions()
                    .setExecutablePath(executable).setArgs(args));
            browsers.add(browser);
            var options = new Browser.NewContextOptions().setIgnoreHTTPSErrors(true).setViewportSize(1024, 700);
            if (locale != null) {
                options.setLocale(locale);
            }
            BrowserContext context = browser.newContext(options);
            context.addInitScript(probe);
            Page page = context.newPage();
            pages.put(name, page);
            page.onPageError(e -> log.add("[" + name + "] page error: " + e));
            page.onConsoleMessage(m -> {
                if (m.type().equals("error") || m.type().equals("warning")) {
                    log.add("[" + name + "] " + m.type() + ": " + m.text());
                }
            });
            page.onRequestFailed(r -> log.add("[" + name + "] request failed: " + r.url() + " " + r.failure()));
            page.onWebSocket(ws -> {
                log.add("[" + name + "] websocket " + ws.url());
                ws.onSocketError(e -> log.add("[" + name + "] websocket error: " + e));
                ws.onClose(w -> log.add("[" + name + "] websocket closed"));
            });
            return page;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Polls until {@code ok}, or fails saying what was awaited and what the pages logged. */
    public void await(String what, long timeoutMillis, BooleanSupplier ok) {
        long end = System.currentTimeMillis() + timeoutMillis;
        while (!ok.getAsBoolean()) {
            if (System.currentTimeMillis() > end) {
                throw new AssertionError("timed out after " + timeoutMillis + " ms waiting until " + what + "\npage log:\n"
                        + String.join("\n", log));
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }
    }

    /**
     * For a failed test: each open page's address, visible text and a screenshot (in target/), and
     * what the pages logged, on stderr.
     */
    public void dump() {
        for (var e : pages.entrySet()) {
            try {
                Page p = e.getValue();
                if (p.isClosed()) {
                    continue;
                }
                Path shot = Path.of("target", "failure-" + e.getKey().replaceAll("\\W+", "-") + ".png");
                p.screenshot(new Page.ScreenshotOptions().setPath(shot).setFullPage(true));
                String text = String.valueOf(p.evaluate("() => document.body ? document.body.innerText : ''"));
                System.err.println("=== " + e.getKey() + " at " + p.url() + " (screenshot " + shot + ")\n"
                        + text.substring(0, Math.min(3000, text.length())));
            } catch (RuntimeException ex) {
                System.err.println("=== " + e.getKey() + ": " + ex.getMessage());
            }
        }
        System.err.println("=== page log\n" + String.join("\n", log));
    }

    @Override
    public void close() {
        for (Browser b : browsers) {
            try {
                b.close();
            } catch (RuntimeException e) {
                // already gone; keep closing the others
            }
        }
        playwright.close();
    }

    /**
     * A JUnit watcher that {@link #dump() dumps} what each browser showed when a test fails; {@code browsers}
     * gives the test class's instance (started in its {@code @BeforeAll}, so read late).
     */
    public static org.junit.jupiter.api.extension.TestWatcher dumpOnFailure(java.util.function.Supplier<Browsers> browsers) {
        return new org.junit.jupiter.api.extension.TestWatcher() {
            @Override
            public void testFailed(org.junit.jupiter.api.extension.ExtensionContext context, Throwable cause) {
                if (browsers.get() != null) {
                    browsers.get().dump();
                }
            }
        };
    }

    /** Prints what the pages logged (on stderr), then closes every browser. */
    public void printLogAndClose() {
        System.err.println("=== what the pages logged\n" + String.join("\n", log));
        close();
    }
}
