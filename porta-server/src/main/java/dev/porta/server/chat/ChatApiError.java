// SPDX-License-Identifier: Apache-2.0
package dev.porta.server.chat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.porta.calling.live.ThreadChat;
import io.javalin.http.Context;

/**
 * A Chat API refusal as ACS answers it: the status and {@code {"error":{"code","message"}}} (what the SDKs
 * read into {@code ChatErrorResponseException}), the code repeated in {@code x-ms-error-code}.
 */
final class ChatApiError extends Exception {
    private final int status;
    private final String code;

    ChatApiError(int status, String code, String message) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
    }

    static ChatApiError of(ThreadChat.RefusedException e) {
        return switch (e.refusal()) {
            case NOT_A_PARTICIPANT, NOT_THE_SENDER, CHAT_DISABLED -> new ChatApiError(403, "Forbidden",
                    "Permission check failed: " + e.getMessage());
            case MESSAGE_NOT_FOUND -> new ChatApiError(404, "NotFound", "The message was not found.");
            case INVALID_CONTENT -> new ChatApiError(400, "BadRequest", e.getMessage());
        };
    }

    int status() {
        return status;
    }

    String code() {
        return code;
    }

    void send(Context ctx) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        ObjectNode error = body.putObject("error");
        error.put("code", code);
        error.put("message", getMessage());
        ctx.status(status).header("x-ms-error-code", code).contentType("application/json").result(body.toString());
    }
}
