// SPDX-License-Identifier: Apache-2.0
package dev.porta.calling.testing;

import dev.porta.calling.auth.Authentication;
import dev.porta.calling.auth.Caller;
import dev.porta.calling.auth.CallerAuthenticator;
import dev.porta.calling.auth.TokenRefusal;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Tokens are plain strings registered by the test; revoking flips them to refused. */
public final class FakeAuthenticator implements CallerAuthenticator {
    private final Map<String, Authentication> tokens = new ConcurrentHashMap<>();
    private final Instant expiry;
    private int counter;

    public FakeAuthenticator(Instant expiry) {
        this.expiry = expiry;
    }

    /** A guest token with scope voip for identity {@code 8:acs:res_<name>}. */
    public synchronized String guest(String name) {
        return register(new Caller.Guest("8:acs:res_" + name, Set.of("voip"), expiry));
    }

    public synchronized String guestWithScopes(String name, Set<String> scopes) {
        return register(new Caller.Guest("8:acs:res_" + name, scopes, expiry));
    }

    public synchronized String member(String tenant, String memberId, String displayName) {
        return register(new Caller.Member(tenant, memberId, displayName, expiry));
    }

    public void refuse(String token, TokenRefusal reason) {
        tokens.put(token, new Authentication.Refused(reason));
    }

    private String register(Caller c) {
        String token = "tok-" + (++counter) + "-" + c.identityId();
        tokens.put(token, new Authentication.Authenticated(c));
        return token;
    }

    @Override
    public Authentication authenticate(String bearerToken) {
        return tokens.getOrDefault(bearerToken, new Authentication.Refused(TokenRefusal.INVALID));
    }
}
