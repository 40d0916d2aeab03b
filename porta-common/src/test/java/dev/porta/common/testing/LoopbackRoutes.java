// SPDX-License-Identifier: Apache-2.0
package dev.porta.common.testing;

import io.javalin.Javalin;
import io.javalin.router.JavalinDefaultRoutingApi;
import java.util.function.Consumer;

/** The route tests' HTTP server: Javalin on 127.0.0.1 and a free port, with only the routes under test. */
public final class LoopbackRoutes {
    private LoopbackRoutes() { }

    /** Starts a server with {@code routes} registered; the caller stops it. */
    public static Javalin start(Consumer<JavalinDefaultRoutingApi> routes) {
        return Javalin.create(cfg -> {
            cfg.jetty.host = "127.0.0.1";
            cfg.jetty.port = 0;
            cfg.startup.showJavalinBanner = false;
            routes.accept(cfg.routes);
        }).start();
    }
}
