// SPDX-License-Identifier: Apache-2.0
package dev.porta.identity;

import java.time.Instant;

/** A communication access token bound to a directory member (the answer of the Teams-user exchange). */
public record TeamsUserToken(String token, Instant expiresOn, String tenantId, String userObjectId) { }
