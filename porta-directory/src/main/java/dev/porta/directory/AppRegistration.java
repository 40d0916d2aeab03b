// SPDX-License-Identifier: Apache-2.0
package dev.porta.directory;

import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * An app registration: a custom application that signs in with client credentials (confidential
 * client, with secrets) or, with redirect URIs, a public client that signs members in with PKCE.
 * {@code objectId} is its service principal's id, the {@code oid}/{@code sub} of its app-only tokens.
 */
public record AppRegistration(ClientId clientId, TenantId tenantId, String objectId, String displayName,
                              Set<AppPermission> permissions, List<String> redirectUris, Instant createdAt) {
    public AppRegistration {
        permissions = Set.copyOf(permissions);
        redirectUris = List.copyOf(redirectUris);
    }
}
