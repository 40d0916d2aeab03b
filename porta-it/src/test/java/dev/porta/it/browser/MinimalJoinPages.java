// SPDX-License-Identifier: Apache-2.0
package dev.porta.it.browser;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Page;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * The sample page {@code examples/minimal-join.html} in a test browser: join with a token, and check what a
 * person on it would see and hear (the colour of another's video tile, the pitch of their voice) through the
 * media probe.
 */
public final class MinimalJoinPages {
    private final Browsers browsers;

    public MinimalJoinPages(Browsers browsers) {
        this.browsers = browsers;
    }

    /**
     * Opens the page of {@code baseUrl} in a new browser for {@code who} and clicks Join.
     * @param name the display name to join with (a guest's), or null (a member's comes from the directory)
     * @param sockets where the URL of each WebSocket the page opens is added, in order
     */
    public Page join(Participant who, String label, String baseUrl, String token, String name, String meetingLink,
                     List<String> sockets) {
        Page page = browsers.open(who, label);
        page.onWebSocket(ws -> sockets.add(ws.url()));
        String fragment = "token=" + enc(token) + "&link=" + enc(meetingLink) + (name == null ? "" : "&name=" + enc(name));
        page.navigate(baseUrl + "examples/minimal-join.html#" + fragment);
        page.click("#join"); // the example page never joins on its own
        return page;
    }

    /** Waits until {@code page} shows {@code other}'s colour in {@code otherName}'s tile and plays their tone; no errors. */
    @SuppressWarnings("unchecked")
    public void seesAndHears(Page page, String otherName, Participant other) {
        browsers.await(otherName + "'s video plays (status " + page.textContent("#status") + ", errors "
                + page.evaluate("() => window.errors") + ")", 60_000, () -> {
                    List<Map<String, Object>> colours = (List<Map<String, Object>>) page.evaluate("() => window.__probe.videoColors()");
                    return colours.stream().anyMatch(c -> String.valueOf(c.get("label")).startsWith(otherName + "/")
                            && other.looksLike((List<Number>) c.get("rgb")));
                });
        browsers.await("the tone of " + otherName + " is heard", 20_000, () -> {
            Map<String, Number> peaks = (Map<String, Number>) page.evaluate("() => window.__probe.audioPeaks()");
            return peaks.values().stream().anyMatch(other::soundsLike);
        });
        assertThat((List<Object>) page.evaluate("() => window.errors")).as("errors the call reported").isEmpty();
    }

    /** How many peer connections the page has made so far. */
    public static int connections(Page page) {
        return ((Number) page.evaluate("() => window.__probe.connections()")).intValue();
    }

    /** Video frames decoded so far on peer connections made after the first {@code madeBefore} (0: on any). */
    @SuppressWarnings("unchecked")
    public static long videoFramesOnConnectionsAfter(Page page, int madeBefore) {
        List<Map<String, Object>> inbound = (List<Map<String, Object>>) page.evaluate("() => window.__probe.inbound()");
        return inbound.stream().filter(t -> "video".equals(t.get("kind")) && ((Number) t.get("connection")).intValue() >= madeBefore)
                .mapToLong(t -> ((Number) t.get("frames")).longValue()).max().orElse(0);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
