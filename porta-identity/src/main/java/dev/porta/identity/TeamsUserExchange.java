// SPDX-License-Identifier: Apache-2.0
package dev.porta.identity;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /teamsUser/:exchangeAccessToken}: a member's directory token for a communication token
 * bound to that member, what {@code CommunicationIdentityClient.getTokenForTeamsUser} calls.
 *
 * <p>The checks ACS makes, in its order and with its answers: the token must be a valid, unexpired
 * delegated token of an enabled member (else 401 {@code InvalidAccessToken}, "Provided access token is
 * not valid.", as ACS answers an invalid, expired or app-only token); {@code appId} must equal the
 * token's {@code appid} and {@code userId} its {@code oid} (else 400, as ACS answers a wrong client or
 * user id). Porta adds one: the member must belong to the tenant of the resource whose key signed the
 * request (else 401 too), so one organization's key cannot mint tokens for another's members.
 */
final class TeamsUserExchange {
    private static final Logger LOG = LoggerFactory.getLogger(TeamsUserExchange.class);
    private static final int MAX_FIELD_CHARS = 16 * 1024;

    private final IdentityService identities;
    private final TeamsUserTokens tokens;

    TeamsUserExchange(IdentityService identities, TeamsUserTokens tokens) {
        this.identities = identities;
        this.tokens = tokens;
    }

    /** Answers the request; {@code json} is the parsed body. */
    void handle(io.javalin.http.Context ctx, CommunicationResource resource, JsonNode json) {
        Optional<String> token = field(json, "token");
        Optional<String> appId = field(json, "appId");
        Optional<String> userId = field(json, "userId");
        if (token.isEmpty() || appId.isEmpty() || userId.isEmpty()) {
            AcsError.send(ctx, 400, "InvalidRequestBody", "'token', 'appId' and 'userId' are required strings.");
            return;
        }
        TeamsUserTokens.Check check = tokens.check(token.get());
        if (!(check instanceof TeamsUserTokens.Check.Member member)) {
            LOG.info("teams user exchange refused: {}", ((TeamsUserTokens.Check.Refused) check).reason());
            invalidToken(ctx);
            return;
        }
        if (!member.tenantId().equalsIgnoreCase(resource.tenantId())) {
            LOG.info("teams user exchange refused: the member's tenant is not the resource's");
            invalidToken(ctx);
            return;
        }
        if (!same(appId.get(), member.appId())) {
            AcsError.send(ctx, 400, "InvalidAppId", "The appId does not match the appid claim of the access token.");
            return;
        }
        if (!same(userId.get(), member.userObjectId())) {
            AcsError.send(ctx, 400, "InvalidUserId", "The userId does not match the oid claim of the access token.");
            return;
        }
        TeamsUserToken issued = identities.issueTeamsUserToken(resource, member.tenantId(), member.userObjectId(), member.appId(),
                member.expiresAt());
        var out = new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode();
        out.put("token", issued.token());
        out.put("expiresOn", IdentityRoutes.rfc3339(issued.expiresOn()));
        ctx.status(200).contentType("application/json").result(out.toString());
    }

    private static void invalidToken(io.javalin.http.Context ctx) {
        AcsError.send(ctx, 401, "InvalidAccessToken", "Provided access token is not valid.");
    }

    private static boolean same(String given, String claim) {
        return given.trim().toLowerCase(Locale.ROOT).equals(claim.toLowerCase(Locale.ROOT));
    }

    private static Optional<String> field(JsonNode json, String name) {
        JsonNode n = json.get(name);
        return n != null && n.isTextual() && !n.asText().isBlank() && n.asText().length() <= MAX_FIELD_CHARS
                ? Optional.of(n.asText()) : Optional.empty();
    }
}
