// SPDX-License-Identifier: Apache-2.0
package dev.porta.identity;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.porta.common.AddressKey;
import dev.porta.common.RateLimiter;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.router.JavalinDefaultRoutingApi;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.format.DateTimeFormatter;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ACS-compatible Identity API: {@code /identities...?api-version=}, authenticated with the
 * resource's access key (HMAC-SHA256), answering with the exact success codes the official SDKs
 * expect (201, 200, 204, 204) and the ACS error body otherwise.
 */
public final class IdentityRoutes {
    private static final Logger LOG = LoggerFactory.getLogger(IdentityRoutes.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern API_VERSION = Pattern.compile("\\d{4}-\\d{2}-\\d{2}(-preview\\d*)?");
    private static final int MAX_BODY_BYTES = 16 * 1024;
    private static final String ISSUE = "/:issueAccessToken";
    private static final String REVOKE = "/:revokeAccessTokens";

    private final IdentityService identities;
    private final HmacAuthenticator hmac;
    private final RateLimiter failedAuth;
    /** The Teams-user exchange; off (403) until {@link #withTeamsUserExchange} is called. */
    private volatile TeamsUserExchange teamsUserExchange;

    public IdentityRoutes(IdentityService identities, HmacAuthenticator hmac, RateLimiter failedAuth) {
        this.identities = identities;
        this.hmac = hmac;
        this.failedAuth = failedAuth;
    }

    /** Turns on {@code POST /teamsUser/:exchangeAccessToken}, checking members' tokens through {@code tokens}; returns this. */
    public IdentityRoutes withTeamsUserExchange(TeamsUserTokens tokens) {
        this.teamsUserExchange = new TeamsUserExchange(identities, tokens);
        return this;
    }

    public void register(JavalinDefaultRoutingApi r) {
        r.post("/identities", ctx -> authenticated(ctx, this::create));
        // The id contains colons and the actions are literal ":action" segments, so the rest of the
        // path is taken whole and split here rather than by the router.
        r.addHttpHandler(HandlerType.POST, "/identities/<rest>", ctx -> authenticated(ctx, this::action));
        r.addHttpHandler(HandlerType.DELETE, "/identities/<rest>", ctx -> authenticated(ctx, this::delete));
        r.addHttpHandler(HandlerType.GET, "/identities/<rest>", ctx -> authenticated(ctx, this::get));
        r.addHttpHandler(HandlerType.POST, "/teamsUser/<action>", ctx -> authenticated(ctx, this::teamsUser));
    }

    @FunctionalInterface
    private interface Operation {
        void handle(Context ctx, CommunicationResource resource, byte[] body) throws Exception;
    }

    private void authenticated(Context ctx, Operation op) throws Exception {
        String apiVersion = ctx.queryParam("api-version");
        if (apiVersion == null || !API_VERSION.matcher(apiVersion).matches()) {
            AcsError.send(ctx, 400, "InvalidApiVersion", "The api-version query parameter is missing or not of the form YYYY-MM-DD[-preview].");
            return;
        }
        long declared = ctx.req().getContentLengthLong();
        if (declared > MAX_BODY_BYTES) {
            AcsError.send(ctx, 413, "RequestTooLarge", "The request body is larger than " + MAX_BODY_BYTES + " bytes.");
            return;
        }
        // A bad signature is charged before the check and given back when the request verifies, so a
        // parallel burst gets no more checks than the allowance.
        String client = AddressKey.of(ctx.ip());
        if (!failedAuth.tryAcquire(client)) {
            ctx.header("Retry-After", Long.toString(Math.max(1, failedAuth.retryAfter(client).toSeconds())));
            AcsError.send(ctx, 429, "TooManyRequests", "Too many requests with a bad signature; try again later.");
            return;
        }
        byte[] body = ctx.bodyAsBytes();
        if (body.length > MAX_BODY_BYTES) {
            failedAuth.refund(client);
            AcsError.send(ctx, 413, "RequestTooLarge", "The request body is larger than " + MAX_BODY_BYTES + " bytes.");
            return;
        }
        String rawTarget = ctx.req().getRequestURI() + (ctx.req().getQueryString() == null ? "" : "?" + ctx.req().getQueryString());
        var request = new HmacAuthenticator.SignedRequest(ctx.method().name(), rawTarget, ctx.header("Host"), ctx.port(),
                Optional.ofNullable(ctx.header("x-ms-date")).orElse(ctx.header("Date")), ctx.header("x-ms-content-sha256"),
                ctx.header("Authorization"), body);
        HmacAuthenticator.Failure lastFailure = HmacAuthenticator.Failure.BAD_SIGNATURE;
        for (CommunicationResource resource : identities.resources()) {
            var result = hmac.verify(request, resource.accessKeys());
            if (result.ok()) {
                failedAuth.refund(client);
                op.handle(ctx, resource, body);
                return;
            }
            lastFailure = result.failure().orElseThrow();
            if (lastFailure != HmacAuthenticator.Failure.BAD_SIGNATURE) {
                break; // the failure does not depend on the key
            }
        }
        if (lastFailure == HmacAuthenticator.Failure.REPLAYED) {
            // Signed with a real key: not a guess. Legitimate twins (the same request twice in one
            // second) are told to retry, which the SDKs do with a fresh date and so a new signature.
            failedAuth.refund(client);
            ctx.header("Retry-After", "1");
            AcsError.send(ctx, 429, "TooManyRequests", lastFailure.message());
            return;
        }
        LOG.info("identity request refused: {} {} host={} reason={}", ctx.method(), logSafe(rawTarget), logSafe(ctx.header("Host")),
                lastFailure);
        AcsError.send(ctx, 401, "Denied", "Denied by the resource provider. " + lastFailure.message());
    }

    /** A header or target as one log field: control characters and spaces cannot forge further fields. */
    private static String logSafe(String s) {
        if (s == null) {
            return "-";
        }
        String t = s.length() > 200 ? s.substring(0, 200) : s;
        return t.replaceAll("[\\p{Cntrl}\\s=]", "_");
    }

    private void create(Context ctx, CommunicationResource resource, byte[] body) {
        JsonNode json = parseJson(ctx, body, false);
        if (json == null) {
            return;
        }
        Set<TokenScope> scopes = null;
        if (json.has("createTokenWithScopes")) {
            scopes = scopes(ctx, json.get("createTokenWithScopes"), "createTokenWithScopes");
            if (scopes == null) {
                return;
            }
        }
        Duration lifetime = lifetime(ctx, json);
        if (lifetime == null) {
            return;
        }
        CommunicationUserId id = identities.createIdentity(resource);
        ObjectNode out = JSON.createObjectNode();
        out.putObject("identity").put("id", id.value());
        if (scopes != null && !scopes.isEmpty()) {
            AccessToken token = identities.issueToken(resource, id, scopes, lifetime).orElseThrow();
            putToken(out.putObject("accessToken"), token);
        }
        ctx.status(201).contentType("application/json").result(out.toString());
    }

    private void action(Context ctx, CommunicationResource resource, byte[] body) {
        String rest = ctx.pathParam("rest");
        if (rest.endsWith(ISSUE)) {
            CommunicationUserId id = identity(ctx, rest.substring(0, rest.length() - ISSUE.length()));
            if (id == null) {
                return;
            }
            JsonNode json = parseJson(ctx, body, true);
            if (json == null) {
                return;
            }
            Set<TokenScope> scopes = scopes(ctx, json.get("scopes"), "scopes");
            Duration lifetime = scopes == null ? null : lifetime(ctx, json);
            if (lifetime == null) {
                return;
            }
            identities.issueToken(resource, id, scopes, lifetime).ifPresentOrElse(
                    token -> {
                        ObjectNode out = JSON.createObjectNode();
                        putToken(out, token);
                        ctx.status(200).contentType("application/json").result(out.toString());
                    },
                    () -> notFound(ctx, id));
        } else if (rest.endsWith(REVOKE)) {
            CommunicationUserId id = identity(ctx, rest.substring(0, rest.length() - REVOKE.length()));
            if (id == null) {
                return;
            }
            if (identities.revokeTokens(resource, id)) {
                ctx.status(204);
            } else {
                notFound(ctx, id);
            }
        } else {
            AcsError.send(ctx, 404, "NotFound", "No such operation: POST /identities/" + rest);
        }
    }

    private void teamsUser(Context ctx, CommunicationResource resource, byte[] body) {
        if (!ctx.pathParam("action").equals(":exchangeAccessToken")) {
            AcsError.send(ctx, 404, "NotFound", "No such operation: POST /teamsUser/" + truncate(ctx.pathParam("action")));
            return;
        }
        TeamsUserExchange exchange = teamsUserExchange;
        if (exchange == null) {
            AcsError.send(ctx, 403, "Forbidden", "The Teams-user token exchange is not enabled on this server.");
            return;
        }
        JsonNode json = parseJson(ctx, body, true);
        if (json != null) {
            exchange.handle(ctx, resource, json);
        }
    }

    private void delete(Context ctx, CommunicationResource resource, byte[] body) {
        CommunicationUserId id = identity(ctx, ctx.pathParam("rest"));
        if (id == null) {
            return;
        }
        if (identities.deleteIdentity(resource, id)) {
            ctx.status(204);
        } else {
            notFound(ctx, id);
        }
    }

    private void get(Context ctx, CommunicationResource resource, byte[] body) {
        CommunicationUserId id = identity(ctx, ctx.pathParam("rest"));
        if (id == null) {
            return;
        }
        identities.find(resource, id).ifPresentOrElse(stored -> {
            ObjectNode out = JSON.createObjectNode();
            out.put("id", stored.id().value());
            stored.lastTokenIssuedAt().ifPresent(t -> out.put("lastTokenIssuedAt", DateTimeFormatter.ISO_INSTANT.format(t)));
            ctx.status(200).contentType("application/json").result(out.toString());
        }, () -> notFound(ctx, id));
    }

    /** The identity named by a raw or percent-encoded path segment; answers 404 itself when it is not one. */
    private static CommunicationUserId identity(Context ctx, String rawSegment) {
        String decoded = URLDecoder.decode(rawSegment.replace("+", "%2B"), StandardCharsets.UTF_8);
        CommunicationUserId id = CommunicationUserId.parseOrNull(decoded);
        if (id == null) {
            AcsError.send(ctx, 404, "IdentityNotFound", "No identity with id '" + truncate(decoded) + "'.");
        }
        return id;
    }

    private static void notFound(Context ctx, CommunicationUserId id) {
        AcsError.send(ctx, 404, "IdentityNotFound", "No identity with id '" + id.value() + "'.");
    }

    private static JsonNode parseJson(Context ctx, byte[] body, boolean required) {
        if (body.length == 0) {
            if (required) {
                AcsError.send(ctx, 400, "InvalidRequestBody", "A JSON request body is required.");
                return null;
            }
            return JSON.createObjectNode();
        }
        String type = Optional.ofNullable(ctx.contentType()).orElse("");
        if (!type.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
            AcsError.send(ctx, 415, "UnsupportedMediaType", "The request body must be application/json.");
            return null;
        }
        try {
            JsonNode node = JSON.readTree(body);
            if (node == null || !node.isObject()) {
                AcsError.send(ctx, 400, "InvalidRequestBody", "The request body must be a JSON object.");
                return null;
            }
            return node;
        } catch (JsonProcessingException e) {
            AcsError.send(ctx, 400, "InvalidRequestBody", "The request body is not valid JSON.");
            return null;
        } catch (java.io.IOException e) {
            AcsError.send(ctx, 400, "InvalidRequestBody", "The request body could not be read.");
            return null;
        }
    }

    private static Set<TokenScope> scopes(Context ctx, JsonNode node, String field) {
        if (node == null || !node.isArray() || node.isEmpty() || node.size() > 10) {
            AcsError.send(ctx, 400, "InvalidScope", "'" + field + "' must be a non-empty array of scopes: chat, voip, chat.join, chat.join.limited, voip.join.");
            return null;
        }
        Set<TokenScope> scopes = EnumSet.noneOf(TokenScope.class);
        for (JsonNode s : node) {
            Optional<TokenScope> scope = s.isTextual() ? TokenScope.fromWire(s.asText()) : Optional.empty();
            if (scope.isEmpty()) {
                AcsError.send(ctx, 400, "InvalidScope", "Unknown scope " + truncate(s.toString())
                        + " in '" + field + "'; use chat, voip, chat.join, chat.join.limited or voip.join.");
                return null;
            }
            scopes.add(scope.get());
        }
        return scopes;
    }

    private static Duration lifetime(Context ctx, JsonNode json) {
        JsonNode minutes = json.get("expiresInMinutes");
        if (minutes == null || minutes.isNull()) {
            return IdentityService.MAX_TOKEN_LIFETIME;
        }
        if (!minutes.canConvertToInt() || !minutes.isIntegralNumber()
                || minutes.asInt() < IdentityService.MIN_TOKEN_LIFETIME.toMinutes()
                || minutes.asInt() > IdentityService.MAX_TOKEN_LIFETIME.toMinutes()) {
            AcsError.send(ctx, 400, "InvalidExpiresInMinutes", "'expiresInMinutes' must be a whole number from 60 to 1440.");
            return null;
        }
        return Duration.ofMinutes(minutes.asInt());
    }

    private static void putToken(ObjectNode target, AccessToken token) {
        target.put("token", token.token());
        target.put("expiresOn", rfc3339(token.expiresOn()));
    }

    /** An instant as RFC 3339 with offset, as {@code expiresOn} carries it. */
    static String rfc3339(java.time.Instant instant) {
        return DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(instant.atOffset(java.time.ZoneOffset.UTC));
    }

    private static String truncate(String s) {
        return s.length() <= 200 ? s : s.substring(0, 200) + "...";
    }
}
