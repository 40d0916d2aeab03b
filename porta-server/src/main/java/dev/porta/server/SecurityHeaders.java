// SPDX-License-Identifier: Apache-2.0
package dev.porta.server;

import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The browser-facing hardening headers on every response Porta's HTTP stack writes: pages (app,
 * examples), the library, the Graph, Identity, OAuth and admin APIs, errors (review finding L5).
 *
 * <ul>
 *   <li>CSP: scripts, styles and connections only from Porta's own origin, no inline script, no
 *       plugins, no {@code <base>} rewrites; {@code frame-ancestors 'none'} (with X-Frame-Options DENY
 *       for old browsers) so no other site can frame the app and trick a click on Join.</li>
 *   <li>HSTS: Porta only speaks TLS; {@code http.hsts-max-age} (0 turns it off, e.g. while trying
 *       Porta on {@code localhost} next to plain-http development servers).</li>
 *   <li>{@code Referrer-Policy: no-referrer}: join links and fragments never leak in a Referer.</li>
 *   <li>{@code X-Content-Type-Options: nosniff}.</li>
 * </ul>
 * A route may send a stricter policy of its own (the sign-in page does); it replaces these.
 */
final class SecurityHeaders {
    /**
     * The one policy: the app, the library and the examples load only from Porta; media elements play
     * MediaStreams ({@code blob:}/{@code mediastream:}); {@code connect-src 'self'} covers the calling
     * WebSocket on the same host and port (CSP 3 lets 'self' match wss:).
     */
    static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; "
            + "img-src 'self' data: blob:; media-src 'self' blob: mediastream:; connect-src 'self'; object-src 'none'; "
            + "base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    private final Map<String, String> headers;

    /** @param hstsMaxAge how long browsers must use https only; zero sends no HSTS header */
    SecurityHeaders(Duration hstsMaxAge) {
        this(hstsMaxAge, java.util.List.of());
    }

    /**
     * @param otherSockets more sources for {@code connect-src}: in a cluster, where the calling WebSocket
     *                     opens on the meeting's home node, another origin (the nodes' {@code wss://} origins,
     *                     or {@code wss:})
     */
    SecurityHeaders(Duration hstsMaxAge, java.util.List<String> otherSockets) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Content-Security-Policy", otherSockets.isEmpty() ? CONTENT_SECURITY_POLICY
                : CONTENT_SECURITY_POLICY.replace("connect-src 'self';", "connect-src 'self' " + String.join(" ", otherSockets) + ";"));
        h.put("X-Frame-Options", "DENY");
        h.put("X-Content-Type-Options", "nosniff");
        h.put("Referrer-Policy", "no-referrer");
        if (!hstsMaxAge.isZero()) {
            h.put("Strict-Transport-Security", "max-age=" + hstsMaxAge.toSeconds());
        }
        this.headers = Map.copyOf(h);
    }

    /** The headers, also for the static-file configuration. */
    Map<String, String> headers() {
        return headers;
    }

    /** Sets them before every handler, so error answers (404, 401, 500) carry them too. */
    void register(JavalinConfig cfg) {
        cfg.routes.before(this::apply);
    }

    private void apply(Context ctx) {
        headers.forEach(ctx::header);
    }
}
