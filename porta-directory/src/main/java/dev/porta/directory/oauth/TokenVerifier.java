// SPDX-License-Identifier: Apache-2.0
package dev.porta.directory.oauth;

import dev.porta.common.SigningKeyRing;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.porta.directory.AppPermission;
import dev.porta.directory.AppRegistration;
import dev.porta.directory.ClientId;
import dev.porta.directory.DirectoryStore;
import dev.porta.directory.MemberId;
import dev.porta.directory.TenantId;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Date;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The one check of Porta-issued access tokens, for the meetings API, the calling service and the web
 * app: signature by an issuer key, issuer and {@code tid} agreeing with an existing tenant, audience,
 * lifetime, and the app or member still existing (a deleted app's or disabled member's tokens stop
 * working at once).
 *
 * <p>Two audiences never mix: {@link #verify} and {@link #verifyMember} accept only Graph's (the
 * meetings API), {@link #verifyCallingMember} only {@link Audiences#CALLING} (the calling service,
 * tokens from the token-exchange grant). A token stolen from a call is then useless on the Graph API,
 * and the long-lived Graph token is never sent to the calling service.
 */
public final class TokenVerifier {
    private static final int MAX_TOKEN_CHARS = 16 * 1024;
    private static final Duration SKEW = Duration.ofMinutes(2);

    private final SigningKeyRing keys;
    private final TokenIssuer issuer;
    private final Audiences audiences;
    private final DirectoryStore store;
    private final Clock clock;

    /** The outcome: a principal, or a refusal whose message may be shown to the caller. */
    public sealed interface Result {
        record Valid(Principal principal) implements Result { }

        record Refused(String message) implements Result { }
    }

    public TokenVerifier(SigningKeyRing keys, TokenIssuer issuer, Audiences audiences, DirectoryStore store, Clock clock) {
        this.keys = keys;
        this.issuer = issuer;
        this.audiences = audiences;
        this.store = store;
        this.clock = clock;
    }

    /** Checks a bearer token (without the {@code Bearer } prefix) for the Graph-compatible API. */
    public Result verify(String token) {
        return check(token, audiences::accepts);
    }

    private Result check(String token, java.util.function.Predicate<String> audienceOk) {
        if (token == null || token.isBlank()) {
            return new Result.Refused("Access token is empty.");
        }
        if (token.length() > MAX_TOKEN_CHARS) {
            return refused();
        }
        SignedJWT jwt;
        JWTClaimsSet claims;
        try {
            jwt = SignedJWT.parse(token.trim());
            claims = jwt.getJWTClaimsSet();
        } catch (ParseException | RuntimeException e) {
            return new Result.Refused("IDX14100: JWT is not well formed.");
        }
        if (!JWSAlgorithm.RS256.equals(jwt.getHeader().getAlgorithm())) {
            return refused();
        }
        Optional<RSAKey> key = keys.find(jwt.getHeader().getKeyID());
        try {
            if (key.isEmpty() || !jwt.verify(new RSASSAVerifier(key.get()))) {
                return refused();
            }
        } catch (JOSEException e) {
            return refused();
        }
        Instant now = clock.instant();
        Date exp = claims.getExpirationTime();
        Date nbf = claims.getNotBeforeTime();
        if (exp == null || !now.minus(SKEW).isBefore(exp.toInstant())) {
            return new Result.Refused("Lifetime validation failed, the token is expired.");
        }
        if (nbf != null && now.plus(SKEW).isBefore(nbf.toInstant())) {
            return new Result.Refused("Lifetime validation failed, the token is not yet valid.");
        }
        Optional<TenantId> tenant = TenantId.parse(stringClaim(claims, "tid"));
        if (tenant.isEmpty() || !issuer.issuer(tenant.get()).equals(claims.getIssuer())
                || store.findTenant(tenant.get()).isEmpty()) {
            return refused();
        }
        List<String> aud = claims.getAudience();
        if (aud == null || aud.isEmpty() || !aud.stream().allMatch(audienceOk)) {
            return new Result.Refused("Invalid audience.");
        }
        Optional<ClientId> client = ClientId.parse(stringClaim(claims, "appid"));
        if (client.isEmpty()) {
            return refused();
        }
        Optional<AppRegistration> app = store.findApp(tenant.get(), client.get());
        if (app.isEmpty()) {
            return refused();
        }
        String idtyp = stringClaim(claims, "idtyp");
        if ("app".equals(idtyp)) {
            Set<AppPermission> roles = EnumSet.noneOf(AppPermission.class);
            try {
                List<String> wire = claims.getStringListClaim("roles");
                if (wire != null) {
                    wire.stream().map(AppPermission::fromWire).flatMap(Optional::stream).forEach(roles::add);
                }
            } catch (ParseException e) {
                return refused();
            }
            // A role the admin has since removed is no longer honoured, even in an unexpired token.
            roles.retainAll(app.get().permissions());
            return new Result.Valid(new Principal.App(tenant.get(), client.get(), roles));
        }
        if ("user".equals(idtyp)) {
            Optional<MemberId> memberId = MemberId.parse(stringClaim(claims, "oid"));
            Optional<dev.porta.directory.Member> member = memberId.flatMap(id -> store.findMember(tenant.get(), id));
            if (member.isEmpty() || !member.get().enabled()) {
                return refused();
            }
            Set<String> scopes = Arrays.stream(stringClaim(claims, "scp").split(" "))
                    .filter(s -> !s.isBlank()).collect(Collectors.toSet());
            return new Result.Valid(new Principal.Member(tenant.get(), member.get().id(), member.get().displayName(),
                    member.get().userPrincipalName(), client.get(), scopes));
        }
        return refused();
    }

    /**
     * The signed-in member of a delegated Graph token (tenant, member id, display name), or empty for
     * an app-only, calling-audience, invalid or expired token. The token-exchange grant's subject check.
     */
    public Optional<Principal.Member> verifyMember(String token) {
        return verify(token) instanceof Result.Valid(Principal.Member member) ? Optional.of(member) : Optional.empty();
    }

    /**
     * For the calling service: the member of a calling token (audience {@link Audiences#CALLING}, issued
     * by the token-exchange grant), or empty for anything else, a member's Graph token included.
     */
    public Optional<Principal.Member> verifyCallingMember(String token) {
        return check(token, Audiences.CALLING::equals) instanceof Result.Valid(Principal.Member member)
                ? Optional.of(member) : Optional.empty();
    }

    private static Result refused() {
        return new Result.Refused("Access token validation failure. Invalid audience, issuer, signature or tenant.");
    }

    private static String stringClaim(JWTClaimsSet claims, String name) {
        Object v = claims.getClaim(name);
        return v instanceof String s ? s : "";
    }
}
