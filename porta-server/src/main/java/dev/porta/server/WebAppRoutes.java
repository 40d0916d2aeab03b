// SPDX-License-Identifier: Apache-2.0
package dev.porta.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.javalin.router.JavalinDefaultRoutingApi;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What the members' web app ({@code /app/}, static files of porta-web) needs from the server: which
 * app registration to sign in with, and join links that open in a browser. A join link
 * ({@code /l/meetup-join/...}) is Porta's address, so opening it leads to the app's join page with
 * the whole link (the app then joins with {@code { meetingLink }}).
 */
public final class WebAppRoutes {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The tenant and public client (authorization code + PKCE, redirect {@code <base>app/}) the app signs in with. */
    public record Registration(String tenantId, String clientId) { }

    private final Supplier<String> baseUrl;
    private volatile Registration registration;

    WebAppRoutes(Supplier<String> baseUrl) {
        this.baseUrl = baseUrl;
    }

    /** Sets the registration the app uses (the demo seeder, or an operator's tool). */
    public void use(Registration r) {
        this.registration = r;
    }

    /** The redirect URI the app's registration must list. */
    public String redirectUri() {
        return baseUrl.get() + "app/";
    }

    /** The admin console's redirect URI ({@code <base>admin/}), which the same registration lists too. */
    public String consoleRedirectUri() {
        return baseUrl.get() + "admin/";
    }

    /** Whether {@code client} is the registration the admin console signs in with (the web app's). */
    boolean isConsoleClient(dev.porta.directory.ClientId client) {
        Registration reg = registration;
        return reg != null && reg.clientId().equals(client.value());
    }

    void register(JavalinDefaultRoutingApi r) {
        r.get("/app/config.json", this::config);
        r.get("/admin/config.json", ctx -> config(ctx, consoleRedirectUri()));
        r.get("/l/meetup-join/<rest>", this::joinLink);
    }

    private void config(Context ctx) throws Exception {
        config(ctx, redirectUri());
    }

    private void config(Context ctx, String redirectUri) throws Exception {
        Registration reg = registration;
        ctx.header("Cache-Control", "no-store");
        if (reg == null) {
            HttpBasics.error(ctx, 404, "NotConfigured", "No app registration is set up for Porta's web app. Ask your administrator "
                    + "to run 'porta demo' or to register the web app.");
            return;
        }
        ctx.contentType("application/json").result(JSON.writeValueAsString(Map.of("tenantId", reg.tenantId(),
                "clientId", reg.clientId(), "redirectUri", redirectUri)));
    }

    private void joinLink(Context ctx) {
        String query = ctx.queryString();
        String base = baseUrl.get();
        String link = base.substring(0, base.length() - 1) + ctx.path() + (query == null ? "" : "?" + query);
        ctx.header("Cache-Control", "no-store");
        // The fragment keeps the link in the browser; the app reads it from there.
        ctx.redirect("/app/#join=" + URLEncoder.encode(link, StandardCharsets.UTF_8), HttpStatus.FOUND);
    }
}
