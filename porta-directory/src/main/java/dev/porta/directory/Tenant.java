// SPDX-License-Identifier: Apache-2.0
package dev.porta.directory;

import java.time.Instant;

/** An organization: its members, apps and policies live under it. */
public record Tenant(TenantId id, String displayName, Instant createdAt) { }
