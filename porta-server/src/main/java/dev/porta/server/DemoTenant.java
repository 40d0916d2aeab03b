// SPDX-License-Identifier: Apache-2.0
package dev.porta.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.porta.identity.CommunicationResource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Seeds the demo tenant ({@code porta demo}) and writes what a script or test needs to use it into
 * {@code <data-dir>/demo.json}. Running it again on the same data directory finds what exists.
 */
final class DemoTenant {
    static final String TENANT_ID = "00000000-0000-4000-8000-00000000d3e0";

    record Result(String tenantId, String connectionString, Path file) { }

    private DemoTenant() { }

    static Result seed(PortaServer server) {
        CommunicationResource resource = server.identities().resourceFor(TENANT_ID);
        String connectionString = resource.connectionString(server.baseUrl());
        ObjectNode demo = new ObjectMapper().createObjectNode();
        demo.put("baseUrl", server.baseUrl());
        demo.put("tenantId", TENANT_ID);
        demo.put("connectionString", connectionString);
        demo.put("certificatePem", server.certificatePem().toAbsolutePath().toString());
        // directory: the app and members; secrets are rotated on every run (only hashes are stored)
        var seed = server.meetings().seedDemo();
        demo.putObject("app").put("clientId", seed.clientId().value()).put("clientSecret", seed.clientSecret());
        var members = demo.putArray("members");
        for (var m : seed.members()) {
            members.addObject().put("id", m.id().value()).put("userPrincipalName", m.userPrincipalName())
                    .put("displayName", m.displayName()).put("password", m.password());
        }
        Path file = server.dataDir().resolve("demo.json");
        try {
            Files.writeString(file, new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(demo));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
        return new Result(TENANT_ID, connectionString, file);
    }
}
