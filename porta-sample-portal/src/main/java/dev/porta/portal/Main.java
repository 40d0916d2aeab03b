// SPDX-License-Identifier: Apache-2.0
package dev.porta.portal;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * Runs the portal from environment variables: PORTA_URL, PORTA_CERTIFICATE (optional PEM), TENANT_ID,
 * CLIENT_ID, CLIENT_SECRET, ACS_CONNECTION_STRING, PORTAL_SECRET (32+ characters), PORTAL_ADMIN_KEY (32+ characters),
 * PORTAL_PORT (default 8090), PORTAL_UI_LIBRARY (optional: the built UI Library sample, e.g. {@code ui-library/dist}).
 */
public final class Main {
    private Main() { }

    public static void main(String[] args) throws Exception {
        PortalConfig c = new PortalConfig(env("PORTA_URL"), Optional.ofNullable(System.getenv("PORTA_CERTIFICATE")).map(Path::of),
                env("TENANT_ID"), env("CLIENT_ID"), env("CLIENT_SECRET"), env("ACS_CONNECTION_STRING"),
                env("PORTAL_SECRET").getBytes(StandardCharsets.UTF_8), env("PORTAL_ADMIN_KEY"),
                Integer.parseInt(System.getenv().getOrDefault("PORTAL_PORT", "8090")), 5, Duration.ofSeconds(12),
                Optional.ofNullable(System.getenv("PORTAL_UI_LIBRARY")).filter(v -> !v.isBlank()).map(Path::of));
        PortalServer server = PortalServer.start(c, Clock.systemUTC());
        System.out.println("Portal: " + server.baseUrl());
        Runtime.getRuntime().addShutdownHook(new Thread(server::close));
        Thread.currentThread().join();
    }

    private static String env(String name) {
        String v = System.getenv(name);
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException("set the environment variable " + name);
        }
        return v;
    }
}
