// SPDX-License-Identifier: Apache-2.0
package dev.porta.meetings.graph;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

/**
 * Graph's error body {@code {"error":{"code","message","innerError":{date,request-id,client-request-id}}}}
 * — camel-case {@code innerError}, as the SDK's {@code ODataError} parser expects — always with a JSON
 * content type, or the SDK reports nothing useful.
 */
final class GraphError {
    private GraphError() { }

    static void send(Context ctx, Clock clock, int status, String code, String message) {
        ObjectNode body = GraphJson.JSON.createObjectNode();
        ObjectNode error = body.putObject("error");
        error.put("code", code);
        error.put("message", message);
        ObjectNode inner = error.putObject("innerError");
        inner.put("date", DateTimeFormatter.ISO_LOCAL_DATE_TIME.format(clock.instant().truncatedTo(ChronoUnit.SECONDS).atOffset(ZoneOffset.UTC)));
        inner.put("request-id", requestId(ctx));
        inner.put("client-request-id", clientRequestId(ctx));
        ctx.status(status).contentType("application/json; charset=utf-8").result(body.toString());
    }

    /** Sets the response's {@code request-id} and echoes {@code client-request-id}. */
    static void correlate(Context ctx) {
        ctx.header("request-id", requestId(ctx));
        String client = clientRequestId(ctx);
        if (client != null) {
            ctx.header("client-request-id", client);
        }
    }

    private static String requestId(Context ctx) {
        Object id = ctx.attribute("graphRequestId");
        if (id == null) {
            Object serverId = ctx.attribute("requestId");
            id = serverId != null ? serverId.toString() : UUID.randomUUID().toString();
            ctx.attribute("graphRequestId", id);
        }
        return id.toString();
    }

    private static String clientRequestId(Context ctx) {
        String id = ctx.header("client-request-id");
        return id != null && id.matches("[A-Za-z0-9-]{1,64}") ? id : null;
    }
}
