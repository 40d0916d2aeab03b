// SPDX-License-Identifier: Apache-2.0
package dev.porta.directory.oauth;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.porta.common.RateLimiter;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.format.DateTimeFormatter;
import java.util.UUID;

/**
 * The token endpoint's error body (RFC 6749 §5.2, with Entra ID's extra members): MSAL shows
 * {@code error_description} to the developer, so it says what was wrong without saying which part of a
 * credential was.
 */
final class OAuthError {
    private static final ObjectMapper JSON = new ObjectMapper();

    private OAuthError() { }

    static void send(Context ctx, Clock clock, int status, String error, int aadstsCode, String description) {
        ObjectNode body = JSON.createObjectNode();
        body.put("error", error);
        body.put("error_description", "AADSTS" + aadstsCode + ": " + description);
        body.putArray("error_codes").add(aadstsCode);
        body.put("timestamp", DateTimeFormatter.ISO_INSTANT.format(clock.instant()));
        body.put("trace_id", UUID.randomUUID().toString());
        String correlation = ctx.header("client-request-id");
        body.put("correlation_id", correlation != null && correlation.matches("[A-Za-z0-9-]{1,64}") ? correlation : UUID.randomUUID().toString());
        ctx.status(status).header("Cache-Control", "no-store").contentType("application/json; charset=utf-8").result(body.toString());
    }

    /** 429 with {@code Retry-After} from the limiter: the failed-attempt allowance of one of {@code keys} is used up. */
    static void tooManyAttempts(Context ctx, Clock clock, RateLimiter failures, String... keys) {
        ctx.header("Retry-After", Long.toString(Math.max(1, failures.retryAfterAny(keys).toSeconds())));
        send(ctx, clock, 429, "temporarily_unavailable", 50196, "Too many failed attempts; try again later.");
    }
}
