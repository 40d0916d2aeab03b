// SPDX-License-Identifier: Apache-2.0
package dev.porta.directory.oauth;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;

/** The token endpoint's success body (RFC 6749 §5.1, with Entra ID's {@code ext_expires_in}); never cached. */
final class TokenResponse {
    private static final ObjectMapper JSON = new ObjectMapper();

    private TokenResponse() { }

    static void send(Context ctx, TokenIssuer.IssuedToken token, String scope) {
        send(ctx, token, scope, null, 0);
    }

    /** @param refreshToken null for none; then {@code refreshExpiresIn} is not sent */
    static void send(Context ctx, TokenIssuer.IssuedToken token, String scope, String refreshToken, long refreshExpiresIn) {
        ObjectNode body = JSON.createObjectNode();
        body.put("token_type", "Bearer");
        if (scope != null) {
            body.put("scope", scope);
        }
        body.put("expires_in", token.expiresInSeconds());
        body.put("ext_expires_in", token.expiresInSeconds());
        body.put("access_token", token.accessToken());
        if (refreshToken != null) {
            body.put("refresh_token", refreshToken);
            body.put("refresh_token_expires_in", refreshExpiresIn);
        }
        ctx.status(200).header("Cache-Control", "no-store").header("Pragma", "no-cache")
                .contentType("application/json; charset=utf-8").result(body.toString());
    }
}
