// SPDX-License-Identifier: Apache-2.0
package dev.porta.media.browser;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import dev.porta.common.testing.RequiredService;
import dev.porta.media.MediaConfig;
import dev.porta.media.Sfu;
import dev.porta.media.api.TrackSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The SFU alone with real browsers: three headless Chromiums, each with its own colour and tone,
 * publish through the SFU and receive the other two. Run inside a loopback-only network namespace:
 * {@code unshare -n sh -c 'ip link set lo up; exec ./mvnw -B -ntp -o -Pbrowser -pl porta-media -am test'} (./run-tests does this).
 */
@Tag("browser")
class SfuBrowserTest {
    static final String CHROMIUM = System.getProperty("chromium.binary", "/usr/lib/chromium/chromium");
    static final List<String> ARGS = List.of("--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
            "--allow-loopback-in-peer-connection", "--autoplay-policy=no-user-gesture-required");

    /** name -> {Y, U, V, tone Hz, dominant RGB channel}. */
    static final Map<String, int[]> PEOPLE = new LinkedHashMap<>();

    static {
        PEOPLE.put("red", new int[] {81, 90, 240, 440, 0});
        PEOPLE.put("green", new int[] {145, 54, 34, 700, 1});
        PEOPLE.put("blue", new int[] {41, 240, 110, 1000, 2});
    }

    static Playwright playwright;
    static Sfu sfu;
    static TestSignaling signaling;
    static final Map<String, Browser> browsers = new LinkedHashMap<>();
    static final Map<String, Page> pages = new LinkedHashMap<>();

    @BeforeAll
    static void start() throws Exception {
        RequiredService.require("chromium", Files.isExecutable(Path.of(CHROMIUM)),
                "apt-get install -y chromium (Debian), or pass -Dchromium.binary=/path/to/chromium");
        sfu = new Sfu(MediaConfig.defaults().withPort(0), Clock.systemUTC());
        signaling = new TestSignaling(sfu);
        Path dir = Files.createTempDirectory("porta-sfu-browser");
        playwright = Playwright.create(new Playwright.CreateOptions().setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
        for (var e : PEOPLE.entrySet()) {
            int[] p = e.getValue();
            List<String> args = new ArrayList<>(ARGS);
            args.add("--use-file-for-fake-video-capture=" + FakeMedia.y4m(dir, e.getKey(), p[0], p[1], p[2]));
            args.add("--use-file-for-fake-audio-capture=" + FakeMedia.wav(dir, e.getKey(), p[3]));
            Browser b = playwright.chromium().launch(new BrowserType.LaunchOptions()
                    .setExecutablePath(Path.of(CHROMIUM)).setArgs(args));
            browsers.put(e.getKey(), b);
        }
        for (var e : browsers.entrySet()) {
            Page page = e.getValue().newPage();
            page.onConsoleMessage(m -> {
                if (m.type().equals("error")) {
                    System.err.println("[" + e.getKey() + "] " + m.text() + " at " + m.location());
                }
            });
            page.navigate(signaling.baseUrl() + "/page.html?id=" + e.getKey());
            pages.put(e.getKey(), page);
        }
    }

    @AfterAll
    static void stop() {
        browsers.values().forEach(Browser::close);
        if (playwright != null) {
            playwright.close();
        }
        if (signaling != null) {
            signaling.close();
        }
        if (sfu != null) {
            sfu.close();
        }
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> tracks(String who) {
        Map<String, Object> s = (Map<String, Object>) pages.get(who).evaluate("() => window.summary()");
        assertThat((List<Object>) s.get("errors")).as(who + " page errors").isEmpty();
        return (List<Map<String, Object>>) s.get("tracks");
    }

    static long count(List<Map<String, Object>> tracks, String from, String kind, String field) {
        return tracks.stream().filter(t -> from.equals(t.get("from")) && kind.equals(t.get("kind")))
                .mapToLong(t -> ((Number) t.get(field)).longValue()).sum();
    }

    static String midOf(List<Map<String, Object>> tracks, String from, String source) {
        return tracks.stream().filter(t -> from.equals(t.get("from")) && source.equals(t.get("source")))
                .map(t -> (String) t.get("mid")).findFirst().orElse(null);
    }

    static void await(String what, java.util.function.BooleanSupplier ok, long timeoutMillis) throws InterruptedException {
        await(what, ok, timeoutMillis, sfu, signaling);
    }

    static void await(String what, java.util.function.BooleanSupplier ok, long timeoutMillis, Sfu sfu,
                      TestSignaling signaling) throws InterruptedException {
        long end = System.currentTimeMillis() + timeoutMillis;
        while (!ok.getAsBoolean()) {
            if (System.currentTimeMillis() > end) {
                throw new AssertionError("timed out waiting for " + what + "; stats " + sfu.stats()
                        + "; events " + signaling.events);
            }
            Thread.sleep(250);
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void threeParticipantsSeeAndHearEachOtherMuteStopsAudioAndLeaversDisappear() throws Exception {
        // 1. everyone receives both others' audio and video
        for (String me : PEOPLE.keySet()) {
            await(me + " receiving the others", () -> {
                List<Map<String, Object>> t = tracks(me);
                return PEOPLE.keySet().stream().filter(o -> !o.equals(me)).allMatch(o ->
                        count(t, o, "audio", "packets") >= 50 && count(t, o, "video", "frames") >= 30);
            }, 60_000);
        }

        // speech detection reached the calling side: everyone hears a tone, so everyone "speaks"
        await("speaking and active-speaker events", () -> PEOPLE.keySet().stream().allMatch(p ->
                signaling.events.get(p).contains("speaking true")
                        && signaling.events.get(p).stream().anyMatch(e -> e.startsWith("active "))), 15_000);

        System.out.println("SFU stats with three participants: " + sfu.stats());

        // 2. by colour and tone: each receiver got the right sender's media
        Thread.sleep(700);
        for (String me : PEOPLE.keySet()) {
            List<Map<String, Object>> t = tracks(me);
            Map<String, List<Number>> colours = (Map<String, List<Number>>) pages.get(me).evaluate("() => window.videoColors()");
            Map<String, Map<String, Number>> peaks = (Map<String, Map<String, Number>>) pages.get(me).evaluate("() => window.audioPeaks()");
            for (String other : PEOPLE.keySet()) {
                if (other.equals(me)) {
                    continue;
                }
                int[] p = PEOPLE.get(other);
                List<Number> rgb = colours.get(midOf(t, other, "camera"));
                assertThat(rgb).as(me + " sees " + other).isNotNull();
                assertThat(rgb.get(p[4]).intValue()).as(me + " sees " + other + " " + rgb).isGreaterThan(150);
                Map<String, Number> peak = peaks.get(midOf(t, other, "microphone"));
                assertThat(peak).as(me + " hears " + other).isNotNull();
                assertThat(peak.get("hz").intValue()).as(me + " hears " + other + " " + peak).isBetween(p[3] - 30, p[3] + 30);
            }
        }

        // 3. screen share: red shares, the others receive it as a separate "screen" track
        pages.get("red").evaluate("() => window.shareScreen()");
        for (String me : List.of("green", "blue")) {
            await(me + " receiving red's screen", () -> tracks(me).stream().anyMatch(t -> "red".equals(t.get("from"))
                    && "screen".equals(t.get("source")) && ((Number) t.get("frames")).longValue() >= 10), 30_000);
        }

        // red stops sharing: the screen track disappears at the others, red's camera stays
        pages.get("red").evaluate("() => window.stopScreen()");
        for (String me : List.of("green", "blue")) {
            await(me + " no longer receiving red's screen", () -> tracks(me).stream().noneMatch(t ->
                    "red".equals(t.get("from")) && "screen".equals(t.get("source"))), 15_000);
        }
        assertThat(signaling.events.get("red")).contains("published [MICROPHONE, CAMERA, SCREEN]");
        assertThat(signaling.events.get("red").stream().filter(e -> e.startsWith("published")).reduce((a, b) -> b))
                .as("sources after unsharing").hasValueSatisfying(e -> assertThat(e).doesNotContain("SCREEN"));

        // 4. server mute: red's microphone stops at the receivers, blue's keeps flowing
        signaling.sessions.get("red").setSourceEnabled(TrackSource.MICROPHONE, false);
        Thread.sleep(800);
        long redBefore = count(tracks("green"), "red", "audio", "packets");
        long blueBefore = count(tracks("green"), "blue", "audio", "packets");
        Thread.sleep(1500);
        assertThat(count(tracks("green"), "red", "audio", "packets")).as("red muted").isLessThanOrEqualTo(redBefore + 2);
        assertThat(count(tracks("green"), "blue", "audio", "packets")).as("blue still heard").isGreaterThan(blueBefore + 30);
        // the last speaking event of red says it stopped (active-speaker events may follow it)
        assertThat(signaling.events.get("red").stream().filter(e -> e.startsWith("speaking")).reduce((a, b) -> b))
                .as("a muted participant stops speaking").contains("speaking false");

        // 5. blue leaves: its tracks disappear from the others' subscribe connections
        signaling.leave("blue");
        browsers.remove("blue").close();
        pages.remove("blue");
        for (String me : List.of("red", "green")) {
            await(me + " no longer receiving blue", () -> tracks(me).stream().noneMatch(t -> "blue".equals(t.get("from"))), 15_000);
        }
        assertThat(tracks("green").stream().anyMatch(t -> "red".equals(t.get("from")) && "camera".equals(t.get("source")))).isTrue();
        assertThat(sfu.sessionCount()).isEqualTo(2);
    }
}
