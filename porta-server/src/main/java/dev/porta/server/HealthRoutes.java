// SPDX-License-Identifier: Apache-2.0
package dev.porta.server;

import dev.porta.common.Database;
import io.javalin.http.Context;
import io.javalin.router.JavalinDefaultRoutingApi;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/** Liveness, readiness (database included) and the Prometheus scrape endpoint. */
final class HealthRoutes {
    private final Database database;
    private final PrometheusMeterRegistry metrics;

    HealthRoutes(Database database, PrometheusMeterRegistry metrics) {
        this.database = database;
        this.metrics = metrics;
    }

    void register(JavalinDefaultRoutingApi r) {
        r.get("/health", this::readiness);
        r.get("/health/ready", this::readiness);
        r.get("/health/live", ctx -> ctx.contentType("application/json").result("{\"status\":\"UP\"}"));
        r.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.scrape()));
    }

    private void readiness(Context ctx) {
        boolean db = database.isReachable();
        ctx.status(db ? 200 : 503).contentType("application/json")
                .result("{\"status\":\"" + (db ? "UP" : "DOWN") + "\",\"checks\":{\"database\":\"" + (db ? "UP" : "DOWN") + "\"}}");
    }
}
