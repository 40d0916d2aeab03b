// SPDX-License-Identifier: Apache-2.0
package dev.porta.directory.oauth;

import dev.porta.common.SigningKeyRing;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.porta.directory.AppPermission;
import dev.porta.directory.AppRegistration;
import dev.porta.directory.ClientId;
import dev.porta.directory.Member;
import dev.porta.directory.TenantId;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Signs the access tokens of Porta's token issuer: RS256 JWTs with the claims Entra ID puts in tokens
 * for Microsoft Graph (reference §5.3), app-only ({@code roles}, {@code idtyp=app}) or delegated
 * ({@code scp}, {@code idtyp=user}).
 */
public final class TokenIssuer {
    private final SigningKeyRing keys;
    private final Supplier<String> baseUrl;
    private final Duration lifetime;
    private final Clock clock;

    /** A signed token and how long it lives. */
    public record IssuedToken(String accessToken, long expiresInSeconds) { }

    public TokenIssuer(SigningKeyRing keys, Supplier<String> baseUrl, Duration lifetime, Clock clock) {
        this.keys = keys;
        this.baseUrl = baseUrl;
        this.lifetime = lifetime;
        this.clock = clock;
    }

    /** The {@code iss} of a tenant's tokens, also the OpenID configuration's issuer. */
    public String issuer(TenantId tenant) {
        return baseUrl.get() + tenant.value() + "/v2.0";
    }

    public IssuedToken issueAppToken(AppRegistration app, String audience) {
        JWTClaimsSet.Builder claims = common(app.tenantId(), app.clientId(), audience)
                .subject(app.objectId())
                .claim("oid", app.objectId())
                .claim("idtyp", "app")
                .claim("appidacr", "1")
                .claim("azpacr", "1")
                .claim("app_displayname", app.displayName())
                .claim("roles", app.permissions().stream().sorted().map(AppPermission::wire).toList());
        return sign(claims, lifetime);
    }

    public IssuedToken issueMemberToken(Member member, ClientId client, String audience, Set<String> scopes) {
        return issueMemberToken(member, client, audience, scopes, clock.instant().plus(lifetime));
    }

    /** A delegated token that expires at {@code notAfter} or after this issuer's lifetime, whichever is sooner. */
    public IssuedToken issueMemberToken(Member member, ClientId client, String audience, Set<String> scopes, Instant notAfter) {
        Instant now = clock.instant();
        Instant exp = notAfter.isBefore(now.plus(lifetime)) ? notAfter : now.plus(lifetime);
        JWTClaimsSet.Builder claims = common(member.tenantId(), client, audience)
                .expirationTime(Date.from(exp))
                .subject(member.id().value())
                .claim("oid", member.id().value())
                .claim("idtyp", "user")
                .claim("appidacr", "0")
                .claim("azpacr", "0")
                .claim("name", member.displayName())
                .claim("upn", member.userPrincipalName())
                .claim("preferred_username", member.userPrincipalName())
                .claim("scp", String.join(" ", scopes.stream().sorted().toList()));
        return sign(claims, Duration.between(now, exp));
    }

    private JWTClaimsSet.Builder common(TenantId tenant, ClientId client, String audience) {
        Instant now = clock.instant();
        return new JWTClaimsSet.Builder()
                .audience(audience)
                .issuer(issuer(tenant))
                .issueTime(Date.from(now))
                .notBeforeTime(Date.from(now))
                .expirationTime(Date.from(now.plus(lifetime)))
                .claim("tid", tenant.value())
                .claim("appid", client.value())
                .claim("azp", client.value())
                .claim("idp", issuer(tenant))
                .claim("uti", UUID.randomUUID().toString().replace("-", ""))
                .claim("ver", "2.0")
                .claim("xms_cc", List.of("CP1"));
    }

    private IssuedToken sign(JWTClaimsSet.Builder claims, Duration lives) {
        RSAKey key = keys.active();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).type(JOSEObjectType.JWT).keyID(key.getKeyID()).build(),
                claims.build());
        try {
            jwt.sign(new RSASSASigner(key));
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign an access token", e);
        }
        // One second less than the lifetime, as Entra ID answers (3599 for an hour).
        return new IssuedToken(jwt.serialize(), Math.max(1, lives.toSeconds() - 1));
    }
}
