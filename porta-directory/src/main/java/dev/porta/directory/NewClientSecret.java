// SPDX-License-Identifier: Apache-2.0
package dev.porta.directory;

import java.time.Instant;

/** A client secret just created: the only time its value is available. */
public record NewClientSecret(String id, ClientId clientId, String value, Instant expiresAt) { }
