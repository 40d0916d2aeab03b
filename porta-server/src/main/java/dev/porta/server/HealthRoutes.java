// SPDX-License-Identifier: Apache-2.0
package dev.porta.server;

import dev.porta.common.Database;
import dev.porta.common.RateLimiter;
import io.javalin.http.Context;
import io.javalin.router.JavalinDefaultRoutingApi;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Liveness, readiness (database included) and the Prometheus scrape endpoint. The scrape endpoint
 * tells who is in how many meetings and how busy the node is, so it is not public: with
 * {@code http.metrics-token} set it wants that bearer token, otherwise it answers loopback callers only.
 */
final class HealthRoutes {
    private final Database database;
    private final PrometheusMeterRegistry metrics;
    private final byte[] tokenDigest;
    private final RateLimiter failures;

    HealthRoutes(Database database, PrometheusMeterRegistry metrics, String metricsToken, RateLimiter failures) {
        this.database = database;
        this.metrics = metrics;
        this.tokenDigest = metricsToken.isEmpty() ? null : sha256(metricsToken.getBytes(StandardCharsets.UTF_8));
        this.failures = failures;
    }

    void register(JavalinDefaultRoutingApi r) {
        r.get("/health", this::readiness);
        r.get("/health/ready", this::readiness);
        r.get("/health/live", ctx -> ctx.contentType("application/json").result("{\"status\":\"UP\"}"));
        r.get("/metrics", this::scrape);
    }

    private void scrape(Context ctx) {
        if (tokenDigest == null) {
            if (!isLoopback(ctx.req().getRemoteAddr())) {
                HttpBasics.error(ctx, 403, "Forbidden",
                        "/metrics answers only this machine; set http.metrics-token to scrape it from elsewhere.");
                return;
            }
        } else {
            String key = "metrics:" + ctx.req().getRemoteAddr();
            var wait = failures.retryAfter(key);
            if (!wait.isZero()) {
                ctx.header("Retry-After", Long.toString(Math.max(1, wait.toSeconds())));
                HttpBasics.error(ctx, 429, "TooManyRequests", "Too many requests with a wrong metrics token; try again later.");
                return;
            }
            String header = ctx.header("Authorization");
            byte[] given = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)
                    ? header.substring(7).trim().getBytes(StandardCharsets.UTF_8) : new byte[0];
            // Comparing digests keeps the comparison constant-time whatever the lengths.
            if (!MessageDigest.isEqual(sha256(given), tokenDigest)) {
                failures.tryAcquire(key);
                ctx.header("WWW-Authenticate", "Bearer");
                HttpBasics.error(ctx, 401, "Unauthorized", "A valid metrics token is required (Authorization: Bearer <http.metrics-token>).");
                return;
            }
        }
        ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.scrape());
    }

    private static boolean isLoopback(String address) {
        try {
            // getRemoteAddr() is a literal address, so this does no name lookup
            return InetAddress.getByName(address).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static byte[] sha256(byte[] b) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(b);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private void readiness(Context ctx) {
        boolean db = database.isReachable();
        ctx.status(db ? 200 : 503).contentType("application/json")
                .result("{\"status\":\"" + (db ? "UP" : "DOWN") + "\",\"checks\":{\"database\":\"" + (db ? "UP" : "DOWN") + "\"}}");
    }
}
