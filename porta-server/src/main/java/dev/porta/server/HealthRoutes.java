// SPDX-License-Identifier: Apache-2.0
package dev.porta.server;

import dev.porta.common.BearerSecret;
import dev.porta.cluster.Redis;
import dev.porta.common.Database;
import io.javalin.http.Context;
import io.javalin.router.JavalinDefaultRoutingApi;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;

/**
 * Liveness ({@code /health/live}: the process answers), readiness ({@code /health/ready}, and
 * {@code /health} as before: the database and, in a cluster, Redis answer; a load balancer sends no new
 * clients to a node that is not ready) and the Prometheus scrape endpoint. The scrape endpoint
 * tells who is in how many meetings and how busy the node is, so it is not public: with
 * {@code http.metrics-token} set it wants that bearer token, otherwise it answers loopback callers only.
 */
final class HealthRoutes {
    private final Database database;
    private final Optional<Redis> redis;
    private final PrometheusMeterRegistry metrics;
    private final BearerSecret metricsToken;
    private final NodeDrain drain;

    HealthRoutes(Database database, Optional<Redis> redis, NodeDrain drain, PrometheusMeterRegistry metrics, BearerSecret metricsToken) {
        this.database = database;
        this.drain = drain;
        this.redis = redis;
        this.metrics = metrics;
        this.metricsToken = metricsToken;
    }

    void register(JavalinDefaultRoutingApi r) {
        r.get("/health", this::readiness);
        r.get("/health/ready", this::readiness);
        r.get("/health/live", ctx -> ctx.contentType("application/json").result("{\"status\":\"UP\"}"));
        r.get("/metrics", this::scrape);
    }

    private void scrape(Context ctx) {
        String address = ctx.req().getRemoteAddr();
        if (!metricsToken.isSet()) {
            if (!isLoopback(address)) {
                HttpBasics.error(ctx, 403, "Forbidden",
                        "/metrics answers only this machine; set http.metrics-token to scrape it from elsewhere.");
                return;
            }
        } else {
            switch (metricsToken.check(ctx.header("Authorization"), address)) {
                case THROTTLED -> {
                    ctx.header("Retry-After", Long.toString(metricsToken.retryAfterSeconds(address)));
                    HttpBasics.error(ctx, 429, "TooManyRequests", "Too many requests with a wrong metrics token; try again later.");
                    return;
                }
                case REFUSED -> {
                    ctx.header("WWW-Authenticate", "Bearer");
                    HttpBasics.error(ctx, 401, "Unauthorized", "A valid metrics token is required (Authorization: Bearer <http.metrics-token>).");
                    return;
                }
                case ACCEPTED -> { }
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

    private void readiness(Context ctx) {
        boolean db = database.isReachable();
        StringBuilder checks = new StringBuilder("\"database\":\"" + upOrDown(db) + "\"");
        boolean ready = db;
        if (redis.isPresent()) {
            boolean r = redis.get().isReachable();
            checks.append(",\"redis\":\"").append(upOrDown(r)).append('"');
            ready &= r;
        }
        String reason = drain.reason(); // fixed words ("porta admin drain", "stopping"): nothing to escape
        if (!reason.isEmpty()) {
            // draining: its live meetings go on, but the load balancer must send it no new client
            checks.append(",\"node\":\"DRAINING\"");
            ready = false;
        }
        ctx.status(ready ? 200 : 503).contentType("application/json")
                .result("{\"status\":\"" + upOrDown(ready) + "\",\"checks\":{" + checks + "}"
                        + (reason.isEmpty() ? "" : ",\"reason\":\"draining (" + reason + ")\"") + "}");
    }

    private static String upOrDown(boolean up) {
        return up ? "UP" : "DOWN";
    }
}
