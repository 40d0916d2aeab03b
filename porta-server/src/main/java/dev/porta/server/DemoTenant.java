// SPDX-License-Identifier: Apache-2.0
package dev.porta.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.porta.common.PrivateFiles;
import dev.porta.identity.CommunicationResource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * Seeds the demo tenant ({@code porta demo}) and writes what a script or test needs to use it into
 * {@code <data-dir>/demo.json}. Running it again on the same data directory finds what exists.
 */
final class DemoTenant {
    static final String TENANT_ID = "00000000-0000-4000-8000-00000000d3e0";
    static final String WEB_APP_NAME = "Porta web app";

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
        // Porta's own web app (/app/): a public client signing members in with authorization code + PKCE.
        var directory = server.meetings().directory();
        String redirect = server.webApp().redirectUri();
        // the admin console (/admin/) signs in with the same registration
        var redirects = java.util.List.of(redirect, server.webApp().consoleRedirectUri());
        var webApp = directory.apps(seed.tenantId()).stream().filter(a -> a.displayName().equals(WEB_APP_NAME)).findFirst()
                .orElseGet(() -> directory.registerApp(seed.tenantId(), WEB_APP_NAME, java.util.Set.of(), redirects));
        if (!webApp.redirectUris().equals(redirects)) {
            // Only this run's address: a port of an earlier run may now belong to another local program,
            // which would receive sign-in codes sent there (PKCE does not help when it starts the flow).
            webApp = directory.setRedirectUris(seed.tenantId(), webApp.clientId(), redirects);
        }
        server.webApp().use(new WebAppRoutes.Registration(seed.tenantId().value(), webApp.clientId().value()));
        demo.putObject("webApp").put("clientId", webApp.clientId().value()).put("redirectUri", redirect)
                .put("url", server.baseUrl() + "app/");
        var members = demo.putArray("members");
        for (var m : seed.members()) {
            members.addObject().put("id", m.id().value()).put("userPrincipalName", m.userPrincipalName())
                    .put("displayName", m.displayName()).put("password", m.password());
        }
        Path file = server.dataDir().resolve("demo.json");
        try {
            // the client secret, member passwords and connection string: readable by this user only
            PrivateFiles.writeString(file, new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(demo));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
        return new Result(TENANT_ID, connectionString, file);
    }
}
