// SPDX-License-Identifier: Apache-2.0
package dev.porta.server;

import dev.porta.common.BearerSecret;
import dev.porta.common.Config;
import dev.porta.common.Database;
import dev.porta.common.DatabaseConfig;
import dev.porta.common.MasterKeys;
import dev.porta.common.PrivateFiles;
import dev.porta.identity.AccessTokenIssuer;
import dev.porta.identity.AccessTokenVerifier;
import dev.porta.identity.HmacAuthenticator;
import dev.porta.identity.IdentityRoutes;
import dev.porta.identity.IdentityService;
import dev.porta.identity.JdbcIdentityStore;
import dev.porta.common.SecretBox;
import dev.porta.common.SigningKeyRing;
import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Porta in one process: the one place where the modules' objects are created and wired together,
 * and the HTTPS server that carries every API. Nothing else constructs services.
 */
public final class PortaServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PortaServer.class);

    private final ServerConfig serverConfig;
    private final Database database;
    private final ServerCertificate certificate;
    private final TlsConfig tls;
    private final Clock clock;
    /** The HTTPS connector's TLS set-up, which {@link CertificateReloader} swaps a renewed certificate into. */
    private SslContextFactory.Server ssl;
    private final PrometheusMeterRegistry metrics;
    private final IdentityService identities;
    private final AccessTokenVerifier accessTokens;
    private final ClusterWiring cluster;
    private final MeetingsWiring meetings;
    private final CallingWiring live;
    private final WebAppRoutes webApp;
    private final SecurityHeaders securityHeaders;
    /** web.examples-enabled: whether /examples/ (demo pages that join from URL parameters) is served. */
    private final boolean examplesEnabled;
    /** permessage-deflate on the signalling WebSocket ({@code calling.compression}), and its pools' bound. */
    private final boolean compression;
    private final int compressionPool;
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private Javalin app;
    private String publicHost;
    /** What happens once a drained node's meetings ended ({@code porta admin drain}): {@code porta serve} exits the process. */
    private volatile Runnable whenDrained = this::close;
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

    private PortaServer(Config config, Clock clock) {
        this.serverConfig = ServerConfig.from(config);
        Path dataDir = serverConfig.dataDir();
        // 0700 before anything (H2 included) creates a file in it; older data directories are tightened
        PrivateFiles.directory(dataDir);
        PrivateFiles.tightenOwn(dataDir, ServerFiles::isPortas);
        this.tls = TlsConfig.from(config);
        this.clock = clock;
        // before anything is opened: a certificate that does not parse or match stops start-up with nothing to close
        this.certificate = ServerCertificate.load(tls, dataDir, serverConfig.publicHost(), clock);
        MasterKeys.Loaded masterKeys = MasterKeys.load(config, System.getenv(), dataDir);
        SecretBox secrets = masterKeys.box();
        this.database = Database.open(DatabaseConfig.from(config, dataDir));
        closeables.add(database);
        MasterKeyCommands.sealStoredSecrets(database, secrets, clock);
        // what the nodes share (Redis) or this process keeps (one node): limits, codes, revocations
        this.cluster = new ClusterWiring(config, clock);
        closeables.add(cluster);
        this.metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(metrics);
        new JvmGcMetrics().bindTo(metrics);
        new JvmThreadMetrics().bindTo(metrics);
        new ProcessorMetrics().bindTo(metrics);
        new UptimeMetrics().bindTo(metrics);

        // identity
        var identityStore = new JdbcIdentityStore(database, clock, secrets);
        var signingKeys = new SigningKeyRing(identityStore, clock);
        this.identities = new IdentityService(identityStore, new AccessTokenIssuer(signingKeys), clock);
        this.accessTokens = new AccessTokenVerifier(signingKeys, identityStore, clock);
        var hmac = new HmacAuthenticator(clock, config.duration("identity.max-clock-skew"), config.list("identity.signed-hosts"),
                () -> publicHost, config.integer("identity.replay-cache-size", 0, 10_000_000));
        var failedAuth = cluster.rateLimits().limiter("identity.failed-auth", config.integer("identity.failed-auth-burst", 1, 1_000_000),
                config.duration("identity.failed-auth-window"), 100_000);
        var identityRoutes = new IdentityRoutes(identities, hmac, failedAuth);

        // directory, token issuer, meetings API (porta-directory, porta-meetings)
        this.meetings = new MeetingsWiring(config, database, secrets, clock, this::baseUrl, cluster);
        closeables.add(meetings.auditRetention());
        // getTokenForTeamsUser: a member's directory token for a communication token bound to the member
        identityRoutes.withTeamsUserExchange(new DirectoryTeamsUserTokens(meetings.tokens()));

        // live meetings: SFU and calling service (porta-media, porta-calling)
        try {
            // in a cluster, resume tokens are tickets every node checks (under a key derived from the shared master
            // key), so the participants of a node that dies resume on the meeting's new home
            var tickets = cluster.registry().map(r -> new dev.porta.calling.live.ResumeTickets(
                    java.util.Base64.getDecoder().decode(masterKeys.current().toBase64()), cluster.nodeId())).orElse(null);
            this.live = new CallingWiring(config, database, clock, accessTokens, identities, meetings, metrics, cluster, tickets);
        } catch (RuntimeException e) {
            closeAll(); // e.g. a taken media port: leave nothing open behind the one-line error
            throw e;
        }
        closeables.add(live);
        cluster.liveMeetingsFrom(live::hosts); // a draining node keeps the meetings live here
        meetings.showLiveMeetings(new dev.porta.server.calling.AdminLiveMeetings(live.calling()));

        this.webApp = new WebAppRoutes(this::baseUrl);
        // the admin console (/admin/) signs members in with the web app's registration (docs/admin.md#the-admin-console)
        meetings.acceptConsoleSignIn(webApp::isConsoleClient);
        this.securityHeaders = new SecurityHeaders(config.duration("http.hsts-max-age"), cluster.callingSocketSources());
        this.examplesEnabled = config.bool("web.examples-enabled");
        this.compression = config.bool("calling.compression");
        this.compressionPool = config.integer("calling.compression-pool", 1, 1024);
        PrivateFiles.tightenOwn(dataDir, ServerFiles::isPortas); // the embedded database's files, made with the umask

        this.app = Javalin.create(cfg -> {
            configureServer(cfg);
            securityHeaders.register(cfg);
            new HttpBasics(metrics).register(cfg);
            new HealthRoutes(database, cluster.redis(), cluster.drain(), metrics, new BearerSecret(serverConfig.metricsToken(), cluster.rateLimits().limiter(
                    "http.metrics-token", config.integer("directory.failed-secret-burst", 1, 1_000_000),
                    config.duration("directory.failed-secret-window"), 10_000), "metrics:")).register(cfg.routes);
            identityRoutes.register(cfg.routes);
            meetings.register(cfg.routes);
            live.register(cfg.routes);
            webApp.register(cfg.routes);
            cfg.routes.get("/communication/jwks", ctx -> ctx.contentType("application/json")
                    .result(signingKeys.publicJwks().toString()));
        });
    }

    /** Creates and starts Porta; the returned server is listening. */
    public static PortaServer start(Config config, Clock clock) {
        PortaServer server = new PortaServer(config, clock);
        try {
            server.app.start();
            dev.porta.server.calling.SignalingCompression.negotiate(server.app.jettyServer().server()
                    .getDescendant(org.eclipse.jetty.ee10.servlet.ServletContextHandler.class), server.compression);
        } catch (RuntimeException e) {
            server.close();
            throw portTaken(e, server.serverConfig);
        }
        server.publicHost = server.serverConfig.effectivePublicHost(server.port());
        if (server.tls.watched()) {
            server.closeables.add(CertificateReloader.watch(server.tls, server.ssl, server.metrics, server.clock,
                    server.certificate.pem(), server.certificate.pemFingerprint()));
        }
        // in a cluster: registered (live, with its load) before the first join can ask where its meeting lives
        // a live meeting whose lease another node holds now ends here (its participants join again, at the new home)
        server.cluster.startHeartbeat(server.baseUrl(), server.live::load, server.live.calling()::meetingsLost,
                () -> server.whenDrained.run());
        server.bindClusterMetrics();
        LOG.info("Porta is listening on https://{}:{}/ (public URL {})", server.serverConfig.host(), server.port(), server.baseUrl());
        return server;
    }

    private void configureServer(JavalinConfig cfg) {
        cfg.concurrency.useVirtualThreads = true;
        cfg.http.maxRequestSize = serverConfig.maxRequestBytes();
        cfg.startup.showJavalinBanner = false;
        // porta-web's browser library and apps (classpath web/), e.g. /sdk/porta-calling.js
        cfg.staticFiles.add(files -> {
            files.hostedPath = "/";
            files.directory = "/web";
            files.location = io.javalin.http.staticfiles.Location.CLASSPATH;
            // Public files only; any origin may load them (a custom application imports /sdk/ as a module).
            var headers = new java.util.HashMap<>(securityHeaders.headers());
            headers.putAll(java.util.Map.of("Cache-Control", "no-cache", "Access-Control-Allow-Origin", "*"));
            files.headers = java.util.Map.copyOf(headers);
            // The example pages join meetings from URL parameters: demo material, off unless configured.
            files.skipFileFunction = request -> !examplesEnabled && isExamplesPath(request);
        });
        cfg.jetty.modifyServer(server -> {
            server.setStopTimeout(serverConfig.shutdownGrace().toMillis());
            dev.porta.server.calling.SignalingCompression.boundPools(server, compressionPool);
        });
        cfg.jetty.addConnector((Server server, HttpConfiguration http) -> {
            SslContextFactory.Server ssl = new SslContextFactory.Server();
            this.ssl = ssl;
            ssl.setKeyStore(certificate.keyStore());
            ssl.setKeyStorePassword(new String(certificate.password()));
            ssl.setKeyManagerPassword(new String(certificate.password()));
            HttpConfiguration https = new HttpConfiguration(http);
            SecureRequestCustomizer secure = new SecureRequestCustomizer();
            secure.setSniHostCheck(false); // clients reach us as 127.0.0.1 as often as by name
            https.addCustomizer(secure);
            https.addCustomizer(new ClientAddressCustomizer(serverConfig.trustedProxies()));
            https.setSendServerVersion(false);
            ServerConnector connector = new ServerConnector(server, new SslConnectionFactory(ssl, "http/1.1"),
                    new HttpConnectionFactory(https));
            connector.setHost(serverConfig.host());
            connector.setPort(serverConfig.port());
            return connector;
        });
    }

    /** Whether a request is for /examples/ (decoded and normalised path, so %65xamples is caught too). */
    private static boolean isExamplesPath(jakarta.servlet.http.HttpServletRequest request) {
        String path;
        try {
            path = request.getServletPath() + (request.getPathInfo() == null ? "" : request.getPathInfo());
        } catch (IllegalArgumentException ambiguous) { // Jetty refuses e.g. //examples/: do not serve what we cannot read
            return true;
        }
        String raw = java.net.URLDecoder.decode(request.getRequestURI().replace("+", "%2B"), java.nio.charset.StandardCharsets.UTF_8);
        return startsWithExamples(path) || startsWithExamples(raw);
    }

    private static boolean startsWithExamples(String path) {
        String p = path.toLowerCase(java.util.Locale.ROOT).replaceAll("/{2,}", "/");
        return p.equals("/examples") || p.startsWith("/examples/");
    }

    /** Cluster gauges: live nodes (as the registry says now) and meetings homed here; nothing on one node. */
    private void bindClusterMetrics() {
        cluster.registry().ifPresent(registry -> {
            io.micrometer.core.instrument.Gauge.builder("porta.cluster.nodes", registry, r -> {
                try {
                    return r.nodes().size();
                } catch (RuntimeException e) {
                    return Double.NaN; // Redis unreachable: unknown, not zero
                }
            }).description("live nodes in the cluster registry").register(metrics);
            io.micrometer.core.instrument.Gauge.builder("porta.cluster.meetings.homed", registry, r -> r.leasesHeld())
                    .description("meetings whose lease this node holds").register(metrics);
        });
    }

    /** The port actually bound (useful when http.port is 0). */
    public int port() {
        return ((ServerConnector) app.jettyServer().server().getConnectors()[0]).getLocalPort();
    }

    /** The URL clients use, ending in {@code /}. */
    public String baseUrl() {
        return "https://" + publicHost + "/";
    }

    public Path certificatePem() {
        return certificate.certificatePem();
    }

    public Path dataDir() {
        return serverConfig.dataDir();
    }

    public IdentityService identities() {
        return identities;
    }

    /** Directory, token verification for members, and the calling service's meeting lookup. */
    public MeetingsWiring meetings() {
        return meetings;
    }

    /** The members' web app's server side (its app registration). */
    public WebAppRoutes webApp() {
        return webApp;
    }

    public AccessTokenVerifier accessTokens() {
        return accessTokens;
    }

    /** The live-meeting service (for tests and tools). */
    public dev.porta.calling.CallingService calling() {
        return live.calling();
    }

    /** What records live meetings' attendance (for tests: {@code flush} before reading reports). */
    public dev.porta.server.calling.AttendanceRecorder attendance() {
        return live.attendance();
    }

    /** The UDP port of the SFU. */
    public int mediaPort() {
        return live.sfu().port();
    }

    /** A snapshot of the SFU's counters (for tests and tools). */
    public dev.porta.media.MediaStats mediaStats() {
        return live.sfu().stats();
    }

    /** The SFU's ICE-TCP port, or -1 when ICE-TCP is off. */
    public int mediaTcpPort() {
        return live.sfu().tcpPort();
    }

    /** A taken HTTP port as one line naming the key, instead of Jetty's stack trace. */
    private static RuntimeException portTaken(RuntimeException e, ServerConfig c) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.net.BindException b) {
                return new dev.porta.common.ConfigException("http.port", "TCP port " + c.port() + " on " + c.host()
                        + " cannot be bound (" + b.getMessage() + "): another process (another Porta?) has it;"
                        + " stop it or choose another port (--port 0 picks a free one)");
            }
        }
        return e;
    }

    private void closeAll() {
        for (AutoCloseable c : closeables.reversed()) {
            try {
                c.close();
            } catch (Exception e) {
                LOG.warn("error while closing {}", c, e);
            }
        }
    }

    /**
     * What to do once this node drained ({@code porta admin drain} seen at a heartbeat, and its last meeting
     * ended or {@code cluster.drain-timeout} passed). By default the server closes; {@code porta serve} exits.
     */
    public void whenDrained(Runnable action) {
        this.whenDrained = action;
    }

    /** Whether this node drains (no new meetings; not ready). */
    public boolean draining() {
        return cluster.drain().draining();
    }

    /**
     * Stops gracefully (SIGTERM): drains (no new meeting here, {@code /health/ready} 503, in a cluster flagged
     * draining in Redis), waits for the live meetings to end for at most {@code cluster.stop-drain-timeout},
     * then closes (ending the meetings still live, whose participants rejoin elsewhere).
     */
    public void stop() {
        cluster.startStopping();
        NodeDrain drain = cluster.drain();
        while (!drain.overdue() && live.calling().node().liveMeetings() > 0) {
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        close();
    }

    /**
     * Stops this node the way a crash would, as far as the other nodes can tell (tests stand it in for SIGKILL
     * of an in-process node): heartbeats stop first, then HTTP (its sockets drop without a word to the
     * participants) and everything else; the registration and leases stay in Redis until they lapse.
     */
    public void halt() {
        if (closed.getAndSet(true)) {
            return;
        }
        cluster.halt();
        if (app != null) {
            app.stop();
        }
        closeAll();
        metrics.close();
    }

    @Override
    public void close() {
        if (closed.getAndSet(true)) {
            return; // closed already (a drained node closes itself; its owner may close it again)
        }
        if (live != null) {
            live.shutdown();
        }
        if (cluster != null) {
            cluster.leave(); // out of the registry before the port closes: no join is sent here any more
        }
        if (app != null) {
            app.stop();
        }
        for (AutoCloseable c : closeables.reversed()) {
            try {
                c.close();
            } catch (Exception e) {
                LOG.warn("error while closing {}", c, e);
            }
        }
        metrics.close();
    }
}
