// SPDX-License-Identifier: Apache-2.0
package dev.porta.cluster;

import dev.porta.directory.ClientId;
import dev.porta.directory.MemberId;
import dev.porta.directory.TenantId;
import dev.porta.directory.oauth.AuthorizationCodeStore;
import dev.porta.directory.oauth.AuthorizationCodes;
import dev.porta.directory.oauth.AuthorizationCodes.Grant;
import io.lettuce.core.ScriptOutputType;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Authorization codes in Redis, so that the token request may reach another node than the sign-in page
 * did. The same rules as {@link AuthorizationCodes}: single use (redeeming is a {@code GETDEL}, so of two
 * nodes asked at once one gets the code and the other nothing), {@link AuthorizationCodes#LIFETIME}, at most
 * {@link AuthorizationCodes#MAX_PER_MEMBER} per member (the oldest replaced), {@link AuthorizationCodes#MAX_PER_CLIENT}
 * per app and {@link AuthorizationCodes#MAX_OUTSTANDING} in total, each checked and charged in one Lua script.
 * Without Redis no code is issued or redeemed (the member is asked to sign in again later).
 */
public final class RedisAuthorizationCodes implements AuthorizationCodeStore {
    private static final Logger LOG = LoggerFactory.getLogger(RedisAuthorizationCodes.class);
    private static final LuaScript ISSUE = LuaScript.load("code-issue.lua");
    private static final LuaScript REDEEM = LuaScript.load("code-redeem.lua");

    private final Redis redis;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    public RedisAuthorizationCodes(Redis redis, Clock clock) {
        this.redis = redis;
        this.clock = clock;
    }

    @Override
    public Optional<String> issue(TenantId tenant, ClientId client, MemberId member, String redirectUri, String challenge,
                                  Set<String> scopes, String audience) {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        String code = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        Instant now = clock.instant();
        Instant expiry = now.plus(AuthorizationCodes.LIFETIME);
        String clientKey = redis.key("code-app:" + client.value());
        String value = clientKey + "\n" + encode(new Grant(tenant, client, member, redirectUri, challenge, scopes, audience, expiry));
        try {
            Long issued = redis.eval(ISSUE, ScriptOutputType.INTEGER,
                    List.of(codeKey(code), redis.key("code-member:" + member.value()), clientKey, redis.key("codes")),
                    code, value, Long.toString(now.toEpochMilli()), Long.toString(expiry.toEpochMilli()),
                    Long.toString(AuthorizationCodes.LIFETIME.toMillis()), Integer.toString(AuthorizationCodes.MAX_PER_MEMBER),
                    Integer.toString(AuthorizationCodes.MAX_PER_CLIENT), Integer.toString(AuthorizationCodes.MAX_OUTSTANDING),
                    redis.key("code:"));
            return issued != null && issued == 1 ? Optional.of(code) : Optional.empty();
        } catch (RuntimeException e) {
            LOG.warn("authorization code not issued: Redis unreachable ({})", e.toString());
            return Optional.empty();
        }
    }

    @Override
    public Optional<Grant> redeem(String code) {
        if (code == null || code.length() > 100) {
            return Optional.empty();
        }
        String value;
        try {
            value = redis.eval(REDEEM, ScriptOutputType.VALUE, List.of(codeKey(code), redis.key("codes")), code);
        } catch (RuntimeException e) {
            LOG.warn("authorization code not redeemed: Redis unreachable ({})", e.toString());
            return Optional.empty();
        }
        if (value == null) {
            return Optional.empty();
        }
        Grant g = decode(value.substring(value.indexOf('\n') + 1));
        return clock.instant().isBefore(g.expiresAt()) ? Optional.of(g) : Optional.empty();
    }

    private String codeKey(String code) {
        return redis.key("code:" + code);
    }

    /** One line per field, each percent-encoded so that no field can run into the next. */
    private static String encode(Grant g) {
        return String.join("\n", List.of(g.tenant().value(), g.client().value(), g.member().value(), g.redirectUri(),
                g.codeChallenge(), String.join(" ", g.scopes()), g.audience(), Long.toString(g.expiresAt().toEpochMilli()))
                .stream().map(f -> URLEncoder.encode(f, StandardCharsets.UTF_8)).toList());
    }

    private static Grant decode(String s) {
        String[] f = Arrays.stream(s.split("\n", -1)).map(x -> URLDecoder.decode(x, StandardCharsets.UTF_8)).toArray(String[]::new);
        if (f.length != 8) {
            throw new IllegalStateException("an authorization code's value in Redis has " + f.length + " fields, not 8");
        }
        Set<String> scopes = f[5].isEmpty() ? Set.of()
                : Arrays.stream(f[5].split(" ")).collect(Collectors.toCollection(LinkedHashSet::new));
        return new Grant(new TenantId(f[0]), new ClientId(f[1]), new MemberId(f[2]), f[3], f[4], scopes, f[6],
                Instant.ofEpochMilli(Long.parseLong(f[7])));
    }
}
