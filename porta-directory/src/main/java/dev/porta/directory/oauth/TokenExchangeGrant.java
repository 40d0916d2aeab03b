// SPDX-License-Identifier: Apache-2.0
package dev.porta.directory.oauth;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jwt.SignedJWT;
import dev.porta.directory.Directory;
import dev.porta.directory.Member;
import dev.porta.directory.TenantId;
import io.javalin.http.Context;
import java.text.ParseException;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The token-exchange grant (RFC 8693) at {@code /{tenant}/oauth2/v2.0/token}: a member's delegated
 * Graph token in, a short-lived token for the calling service out. Calling then never sees the Graph
 * token (which can list, change and delete the member's meetings), and what calling sees is useless
 * on the Graph API.
 *
 * <p>Request: {@code grant_type=urn:ietf:params:oauth:grant-type:token-exchange},
 * {@code subject_token=<Graph access token>},
 * {@code subject_token_type=urn:ietf:params:oauth:token-type:access_token}, and the calling target as
 * {@code audience=urn:porta:calling} and/or {@code scope=urn:porta:calling/.default}. Public clients
 * need no secret (the subject token is the proof); a {@code client_id}, when given, must be the
 * subject token's app.
 */
public final class TokenExchangeGrant {
    public static final String GRANT_TYPE = "urn:ietf:params:oauth:grant-type:token-exchange";
    public static final String ACCESS_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:access_token";
    /** The scope of a calling token (and the permission the scope parameter may name). */
    public static final String CALLING_SCOPE = "Meetings.Join";
    private static final Set<String> CALLING_SCOPES = Set.of(Audiences.CALLING + "/.default", Audiences.CALLING + "/" + CALLING_SCOPE);
    private static final Set<String> IGNORED_SCOPES = Set.of("openid", "profile", "offline_access", "email");
    private static final int MAX_PARAM = 16 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final TokenVerifier verifier;
    private final TokenIssuer callingIssuer;
    private final Directory directory;
    private final Clock clock;

    /**
     * @param verifier      checks the subject token (Graph audience, delegated, this tenant, unexpired)
     * @param callingIssuer signs calling tokens; its lifetime is the calling token's (capped by the subject's expiry)
     */
    public TokenExchangeGrant(TokenVerifier verifier, TokenIssuer callingIssuer, Directory directory, Clock clock) {
        this.verifier = verifier;
        this.callingIssuer = callingIssuer;
        this.directory = directory;
        this.clock = clock;
    }

    /** Answers one token-exchange request for {@code tenant} (an existing tenant). */
    void handle(Context ctx, TenantId tenant) {
        String subject = param(ctx, "subject_token");
        if (subject == null) {
            OAuthError.send(ctx, clock, 400, "invalid_request", 900144, "The request body must contain the following parameter: 'subject_token'.");
            return;
        }
        if (!ACCESS_TOKEN_TYPE.equals(param(ctx, "subject_token_type"))) {
            OAuthError.send(ctx, clock, 400, "invalid_request", 900144, "'subject_token_type' must be " + ACCESS_TOKEN_TYPE + ".");
            return;
        }
        String requested = param(ctx, "requested_token_type");
        if (requested != null && !requested.equals(ACCESS_TOKEN_TYPE)) {
            OAuthError.send(ctx, clock, 400, "invalid_request", 900144, "Only access tokens can be requested ('requested_token_type').");
            return;
        }
        if (param(ctx, "actor_token") != null) {
            OAuthError.send(ctx, clock, 400, "invalid_request", 900144, "Delegation with an 'actor_token' is not supported.");
            return;
        }
        if (!asksForCalling(param(ctx, "audience"), param(ctx, "scope"), param(ctx, "resource"))) {
            OAuthError.send(ctx, clock, 400, "invalid_target", 500011, "A token exchange issues calling tokens only: ask for audience="
                    + Audiences.CALLING + " or scope=" + Audiences.CALLING + "/.default.");
            return;
        }
        Optional<Principal.Member> principal = verifier.verifyMember(subject).filter(m -> m.tenant().equals(tenant));
        Optional<Member> member = principal.flatMap(p -> directory.member(tenant, p.memberId())).filter(Member::enabled);
        Optional<Instant> subjectExpiry = member.isPresent() ? expiryOf(subject) : Optional.empty();
        if (member.isEmpty() || subjectExpiry.isEmpty()) {
            OAuthError.send(ctx, clock, 400, "invalid_grant", 50013,
                    "The subject_token is not a valid, unexpired delegated Graph token of a member of this tenant.");
            return;
        }
        String clientId = param(ctx, "client_id");
        if (clientId != null && !clientId.equalsIgnoreCase(principal.get().clientId().value())) {
            OAuthError.send(ctx, clock, 400, "invalid_grant", 50013, "The subject_token was not issued to this client_id.");
            return;
        }
        TokenIssuer.IssuedToken token = callingIssuer.issueMemberToken(member.get(), principal.get().clientId(), Audiences.CALLING,
                Set.of(CALLING_SCOPE), subjectExpiry.get());
        ObjectNode body = JSON.createObjectNode();
        body.put("access_token", token.accessToken());
        body.put("issued_token_type", ACCESS_TOKEN_TYPE);
        body.put("token_type", "Bearer");
        body.put("expires_in", token.expiresInSeconds());
        body.put("scope", Audiences.CALLING + "/" + CALLING_SCOPE);
        ctx.status(200).header("Cache-Control", "no-store").header("Pragma", "no-cache")
                .contentType("application/json; charset=utf-8").result(body.toString());
    }

    /** Whether the request names the calling service (and nothing else) as its target. */
    static boolean asksForCalling(String audience, String scope, String resource) {
        if (resource != null || (audience == null && scope == null)) {
            return false;
        }
        if (audience != null && !audience.trim().equals(Audiences.CALLING)) {
            return false;
        }
        if (scope == null) {
            return true;
        }
        List<String> targets = Arrays.stream(scope.trim().split("\\s+")).filter(s -> !IGNORED_SCOPES.contains(s)).toList();
        return !targets.isEmpty() && CALLING_SCOPES.containsAll(targets);
    }

    /** The expiry of a token the verifier has just accepted. */
    private static Optional<Instant> expiryOf(String token) {
        try {
            return Optional.ofNullable(SignedJWT.parse(token.trim()).getJWTClaimsSet().getExpirationTime()).map(Date::toInstant);
        } catch (ParseException e) {
            return Optional.empty();
        }
    }

    private static String param(Context ctx, String name) {
        String v = ctx.formParam(name);
        return v == null || v.isBlank() || v.length() > MAX_PARAM ? null : v;
    }
}
