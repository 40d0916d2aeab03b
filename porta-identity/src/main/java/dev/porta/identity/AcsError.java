// SPDX-License-Identifier: Apache-2.0
package dev.porta.identity;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;

/**
 * The ACS error body {@code {"error":{"code","message"}}}, with the code repeated in the
 * {@code x-ms-error-code} header as the newer ACS services send it.
 */
final class AcsError {
    private static final ObjectMapper JSON = new ObjectMapper();

    private AcsError() { }

    static void send(Context ctx, int status, String code, String message) {
        ObjectNode body = JSON.createObjectNode();
        ObjectNode error = body.putObject("error");
        error.put("code", code);
        error.put("message", message);
        ctx.status(status).header("x-ms-error-code", code).contentType("application/json").result(body.toString());
    }
}
