// SPDX-License-Identifier: Apache-2.0
package dev.porta.identity;

import dev.porta.common.SigningKeyRing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.RSAKey;
import java.io.IOException;
import java.text.ParseException;
import java.time.Clock;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The one place that decides whether a communication access token is good: signature by one of
 * Porta's signing keys, expiry, the identity still existing, and no revocation since issue. Every
 * component that accepts these tokens (the calling service's connect and reconnect) asks this.
 * Tokens of the Teams-user exchange come back as {@link TokenCheck.TeamsUser}: signature and expiry
 * checked here, the member's status by the caller.
 */
public final class AccessTokenVerifier {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_TOKEN_CHARS = 8192;
    private static final Pattern GUID = Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    private static final long MAX_EPOCH_SECOND = 253_402_300_799L; // 9999-12-31T23:59:59Z

    private final SigningKeyRing keys;
    private final IdentityStore store;
    private final Clock clock;

    public AccessTokenVerifier(SigningKeyRing keys, IdentityStore store, Clock clock) {
        this.keys = keys;
        this.store = store;
        this.clock = clock;
    }

    public TokenCheck check(String token) {
        if (token == null || token.length() > MAX_TOKEN_CHARS) {
            return refused(TokenCheck.Reason.MALFORMED);
        }
        JWSObject jws;
        try {
            jws = JWSObject.parse(token.trim());
        } catch (ParseException e) {
            return refused(TokenCheck.Reason.MALFORMED);
        }
        if (!JWSAlgorithm.RS256.equals(jws.getHeader().getAlgorithm())) {
            return refused(TokenCheck.Reason.BAD_SIGNATURE);
        }
        // An unknown key id reloads the ring at most once per interval (another node may have rotated).
        Optional<RSAKey> key = keys.find(jws.getHeader().getKeyID());
        try {
            if (key.isEmpty() || !jws.verify(new RSASSAVerifier(key.get()))) {
                return refused(TokenCheck.Reason.BAD_SIGNATURE);
            }
        } catch (JOSEException e) {
            return refused(TokenCheck.Reason.BAD_SIGNATURE);
        }
        JsonNode claims;
        try {
            claims = JSON.readTree(jws.getPayload().toBytes());
        } catch (IOException e) {
            return refused(TokenCheck.Reason.MALFORMED);
        }
        if (!isEpochSecond(claims.path("exp")) || !isEpochSecond(claims.path("iat"))) {
            return refused(TokenCheck.Reason.MALFORMED);
        }
        Instant expiresAt = Instant.ofEpochSecond(claims.get("exp").asLong());
        Instant issuedAt = claims.path("iatms").canConvertToLong()
                ? Instant.ofEpochMilli(claims.get("iatms").asLong())
                : Instant.ofEpochSecond(claims.get("iat").asLong());
        String skypeId = claims.path("skypeid").asText("");
        if (skypeId.startsWith(AccessTokenIssuer.TEAMS_USER_PREFIX)) {
            return teamsUser(skypeId.substring(AccessTokenIssuer.TEAMS_USER_PREFIX.length()), claims.path("tid").asText(""),
                    issuedAt, expiresAt);
        }
        CommunicationUserId id = CommunicationUserId.parseOrNull("8:" + skypeId);
        if (id == null) {
            return refused(TokenCheck.Reason.MALFORMED);
        }
        if (!clock.instant().isBefore(expiresAt)) {
            return refused(TokenCheck.Reason.EXPIRED);
        }
        Optional<IdentityStore.StoredIdentity> stored = store.findIdentity(id);
        if (stored.isEmpty()) {
            return refused(TokenCheck.Reason.IDENTITY_DELETED);
        }
        if (stored.get().revokedBefore().filter(r -> !issuedAt.isAfter(r)).isPresent()) {
            return refused(TokenCheck.Reason.REVOKED);
        }
        return new TokenCheck.Valid(id, scopes(claims.path("acsScope").asText("")), issuedAt, expiresAt);
    }

    /** A Teams-user token: the member's existence and status are the caller's to check (see {@link TokenCheck.TeamsUser}). */
    private TokenCheck teamsUser(String objectId, String tenantId, Instant issuedAt, Instant expiresAt) {
        if (!GUID.matcher(objectId).matches() || tenantId.isEmpty() || tenantId.length() > 64) {
            return refused(TokenCheck.Reason.MALFORMED);
        }
        if (!clock.instant().isBefore(expiresAt)) {
            return refused(TokenCheck.Reason.EXPIRED);
        }
        return new TokenCheck.TeamsUser(tenantId, objectId, issuedAt, expiresAt);
    }

    /** A whole number of seconds between 1970 and the year 9999 (beyond, Instant arithmetic would throw). */
    private static boolean isEpochSecond(JsonNode n) {
        return n.canConvertToLong() && n.asLong() >= 0 && n.asLong() <= MAX_EPOCH_SECOND;
    }

    private static Set<TokenScope> scopes(String list) {
        Set<TokenScope> out = EnumSet.noneOf(TokenScope.class);
        for (String s : list.split(",")) {
            TokenScope.fromWire(s.trim()).ifPresent(out::add);
        }
        return out;
    }

    private static TokenCheck refused(TokenCheck.Reason reason) {
        return new TokenCheck.Refused(reason);
    }
}
