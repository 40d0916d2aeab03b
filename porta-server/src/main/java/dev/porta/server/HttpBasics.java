// SPDX-License-Identifier: Apache-2.0
package dev.porta.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.UUID;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * What every request gets, whatever its route: a request id (echoed as {@code x-request-id} and put in
 * every log line), a timer in the metrics, and the common error body {@code {"error":{"code","message"}}}
 * for unknown routes, oversized bodies and faults — never a stack trace.
 */
final class HttpBasics {
    private static final Logger LOG = LoggerFactory.getLogger(HttpBasics.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern CLIENT_REQUEST_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final String START = "porta.start";

    private final MeterRegistry registry;

    HttpBasics(MeterRegistry registry) {
        this.registry = registry;
    }

    void register(JavalinConfig cfg) {
        cfg.routes.before(this::begin);
        cfg.routes.after(this::end);
        cfg.routes.exception(HttpResponseException.class, (e, ctx) ->
                error(ctx, e.getStatus(), codeFor(e.getStatus()), e.getMessage()));
        cfg.routes.exception(Exception.class, (e, ctx) -> {
            LOG.error("request failed: {} {}", ctx.method(), ctx.path(), e);
            error(ctx, 500, "InternalError", "The server could not complete the request; it has been logged as "
                    + ctx.attribute("requestId") + ".");
        });
        cfg.routes.error(404, ctx -> {
            if (ctx.resultInputStream() == null) {
                error(ctx, 404, "NotFound", "No resource at " + ctx.method() + " " + ctx.path() + ".");
            }
        });
        cfg.routes.error(405, ctx -> {
            if (ctx.resultInputStream() == null) {
                error(ctx, 405, "MethodNotAllowed", ctx.method() + " is not allowed on " + ctx.path() + ".");
            }
        });
    }

    private void begin(Context ctx) {
        String given = ctx.header("x-request-id");
        String id = given != null && CLIENT_REQUEST_ID.matcher(given).matches() ? given : UUID.randomUUID().toString();
        ctx.attribute("requestId", id);
        ctx.attribute(START, System.nanoTime());
        ctx.header("x-request-id", id);
        MDC.put("requestId", id);
    }

    private void end(Context ctx) {
        Long start = ctx.attribute(START);
        if (start != null) {
            Timer.builder("http.server.requests")
                    .tag("method", ctx.method().name())
                    .tag("route", routeOf(ctx))
                    .tag("status", Integer.toString(ctx.statusCode()))
                    .register(registry)
                    .record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
        }
        MDC.remove("requestId");
    }

    /** The route template (not the concrete path, which would make unbounded metric series). */
    private static String routeOf(Context ctx) {
        var matched = ctx.endpoints().matchedHttpEndpoint();
        return matched == null ? "unmatched" : matched.path;
    }

    static void error(Context ctx, int status, String code, String message) {
        ObjectNode body = JSON.createObjectNode();
        ObjectNode error = body.putObject("error");
        error.put("code", code);
        error.put("message", message);
        ctx.status(status).contentType("application/json").result(body.toString());
    }

    private static String codeFor(int status) {
        return switch (status) {
            case 400 -> "BadRequest";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "NotFound";
            case 405 -> "MethodNotAllowed";
            case 413 -> "RequestTooLarge";
            case 415 -> "UnsupportedMediaType";
            case 429 -> "TooManyRequests";
            default -> status >= 500 ? "InternalError" : "RequestFailed";
        };
    }
}
