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
import dev.porta.media.api.MediaParticipantId;
import dev.porta.media.api.TrackSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Chromium publishes its camera with three simulcast rids; the SFU learns the layers from the rid
 * header extension, forwards the best one, and a lower max height moves the receiver to a smaller
 * layer. Run inside a loopback-only namespace like {@link SfuBrowserTest}.
 */
@Tag("browser")
class SfuSimulcastBrowserTest {
    @Test
    @SuppressWarnings("unchecked")
    void aReceiverAskingForALowerHeightGetsASmallerSimulcastLayer() throws Exception {
        RequiredService.require("chromium", Files.isExecutable(Path.of(SfuBrowserTest.CHROMIUM)),
                "apt-get install -y chromium (Debian), or pass -Dchromium.binary=/path/to/chromium");
        try (Sfu sfu = new Sfu(MediaConfig.defaults().withPort(0), Clock.systemUTC());
             TestSignaling signaling = new TestSignaling(sfu);
             Playwright pw = Playwright.create(new Playwright.CreateOptions()
                     .setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")))) {
            BrowserType.LaunchOptions launch = new BrowserType.LaunchOptions()
                    .setExecutablePath(Path.of(SfuBrowserTest.CHROMIUM)).setArgs(SfuBrowserTest.ARGS);
            Browser pubBrowser = pw.chromium().launch(launch);
            Browser subBrowser = pw.chromium().launch(launch);
            Page pub = pubBrowser.newPage();
            pub.navigate(signaling.baseUrl() + "/page.html?id=pub&simulcast=1&w=1280&h=720");
            Page sub = subBrowser.newPage();
            sub.navigate(signaling.baseUrl() + "/page.html?id=sub");

            SfuBrowserTest.await("sub decoding pub's camera at its largest layer", () -> {
                Map<String, Object> s = (Map<String, Object>) sub.evaluate("() => window.summary()");
                return ((List<Map<String, Object>>) s.get("tracks")).stream().anyMatch(t -> "pub".equals(t.get("from"))
                        && "camera".equals(t.get("source")) && ((Number) t.get("frames")).longValue() > 20
                        && ((Number) t.get("height")).intValue() >= 360);
            }, 60_000, sfu, signaling);
            Map<String, Object> ps = (Map<String, Object>) pub.evaluate("() => window.summary()");
            assertThat((List<Map<String, Object>>) ps.get("outbound")).as("Chromium sends several rids")
                    .extracting(o -> o.get("rid")).contains("q", "h");

            signaling.sessions.get("sub").setVideoPreference(new MediaParticipantId("pub"), TrackSource.CAMERA, 200);
            SfuBrowserTest.await("sub moved to a layer at most 200 high", () -> {
                Map<String, Object> s = (Map<String, Object>) sub.evaluate("() => window.summary()");
                return ((List<Map<String, Object>>) s.get("tracks")).stream().anyMatch(t -> "pub".equals(t.get("from"))
                        && "camera".equals(t.get("source")) && ((Number) t.get("height")).intValue() > 0
                        && ((Number) t.get("height")).intValue() <= 200);
            }, 30_000, sfu, signaling);
            pubBrowser.close();
            subBrowser.close();
        }
    }
}
