// SPDX-License-Identifier: Apache-2.0
package dev.porta.identity;

import java.time.Instant;
import java.util.Set;

/** An issued access token: the JWT and when it expires (equal to its {@code exp} claim). */
public record AccessToken(String token, Instant expiresOn, CommunicationUserId identity, Set<TokenScope> scopes) { }
