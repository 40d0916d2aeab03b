// SPDX-License-Identifier: Apache-2.0
package dev.porta.identity;

import java.util.List;
import java.util.UUID;

/**
 * A communication resource: what an ACS connection string points at. It belongs to one tenant and
 * holds two access keys so that one can be rotated while clients still use the other.
 */
public record CommunicationResource(UUID id, String tenantId, String primaryKey, String secondaryKey) {

    public List<String> accessKeys() {
        return List.of(primaryKey, secondaryKey);
    }

    /** The connection string the official SDKs parse: exactly {@code endpoint=...;accesskey=...}. */
    public String connectionString(String endpoint) {
        String base = endpoint.endsWith("/") ? endpoint : endpoint + "/";
        return "endpoint=" + base + ";accesskey=" + primaryKey;
    }
}
