// SPDX-License-Identifier: Apache-2.0
package dev.porta.identity;

import dev.porta.common.SigningKeyRing;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Mints ACS-shaped access tokens: RS256 JWTs whose payload the official credential classes can parse.
 *
 * <p>Those classes decode the payload with the standard (not URL-safe) Base64 decoder and find
 * {@code "exp":<digits>} by regex, so the payload is compact, ASCII-only JSON in which {@code >},
 * {@code ?} and {@code ~} are escaped: then its Base64url form never contains {@code -} or {@code _}.
 */
public final class AccessTokenIssuer {
    /** The constant {@code scp} claim every ACS token carries. */
    static final int ACS_SCP = 1792;
    /** How a member's {@code skypeid} starts: ACS's raw id of a Teams user is {@code 8:orgid:<object id>}. */
    static final String TEAMS_USER_PREFIX = "orgid:";

    private final SigningKeyRing keys;

    public AccessTokenIssuer(SigningKeyRing keys) {
        this.keys = keys;
    }

    public AccessToken issue(CommunicationUserId identity, Set<TokenScope> scopes, Instant now, Duration lifetime) {
        long iat = now.getEpochSecond();
        long exp = now.plus(lifetime).getEpochSecond();
        String scopeList = scopes.stream().sorted().map(TokenScope::wire).collect(Collectors.joining(","));
        String payload = "{\"skypeid\":" + jsonString(identity.skypeId())
                + ",\"scp\":" + ACS_SCP
                + ",\"csi\":" + jsonString(Long.toString(iat))
                + ",\"iat\":" + iat
                + ",\"exp\":" + exp
                + ",\"acsScope\":" + jsonString(scopeList)
                + ",\"resourceId\":" + jsonString(identity.resourceId().toString())
                // Milliseconds of issue, so a token minted just after a revocation in the same second stays valid.
                + ",\"iatms\":" + now.toEpochMilli()
                + "}";
        String token = sign(payload);
        return new AccessToken(token, Instant.ofEpochSecond(exp), identity, Set.copyOf(scopes));
    }

    /**
     * A token for a directory member from the Teams-user exchange: the same shape, with the member as
     * {@code skypeid} ({@code orgid:<object id>}, as ACS names Teams users) and the member's tenant and
     * app, expiring with the directory token it came from.
     */
    public TeamsUserToken issueForTeamsUser(UUID resourceId, String tenantId, String userObjectId, String appId, Instant now,
                                            Instant expiresAt) {
        long iat = now.getEpochSecond();
        long exp = expiresAt.getEpochSecond();
        String payload = "{\"skypeid\":" + jsonString(TEAMS_USER_PREFIX + userObjectId)
                + ",\"scp\":" + ACS_SCP
                + ",\"csi\":" + jsonString(Long.toString(iat))
                + ",\"iat\":" + iat
                + ",\"exp\":" + exp
                + ",\"acsScope\":" + jsonString(TokenScope.VOIP.wire())
                + ",\"resourceId\":" + jsonString(resourceId.toString())
                + ",\"tid\":" + jsonString(tenantId)
                + ",\"appid\":" + jsonString(appId)
                + ",\"iatms\":" + now.toEpochMilli()
                + "}";
        return new TeamsUserToken(sign(payload), Instant.ofEpochSecond(exp), tenantId, userObjectId);
    }

    private String sign(String payload) {
        RSAKey key = keys.active();
        JWSObject jws = new JWSObject(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).type(JOSEObjectType.JWT).build(),
                new Payload(payload.getBytes(StandardCharsets.US_ASCII)));
        try {
            jws.sign(new RSASSASigner(key));
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign an access token", e);
        }
        String token = jws.serialize();
        String payloadSegment = token.split("\\.")[1];
        if (payloadSegment.indexOf('-') >= 0 || payloadSegment.indexOf('_') >= 0) {
            throw new IllegalStateException("token payload would not decode with the standard Base64 decoder");
        }
        Base64.getDecoder().decode(payloadSegment); // the check the official TokenParser makes
        return token;
    }

    /** A JSON string literal in pure ASCII, with the characters that could yield {@code -}/{@code _} escaped. */
    static String jsonString(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\' || c < 0x20 || c > 0x7d || c == '>' || c == '?') {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.append('"').toString();
    }
}
