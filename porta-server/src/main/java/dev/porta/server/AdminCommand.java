// SPDX-License-Identifier: Apache-2.0
package dev.porta.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.porta.common.Config;
import dev.porta.common.Database;
import dev.porta.common.DatabaseConfig;
import dev.porta.directory.DirectoryException;
import dev.porta.directory.admin.AdminCli;
import dev.porta.identity.AccessTokenIssuer;
import dev.porta.identity.CommunicationResource;
import dev.porta.identity.IdentityService;
import dev.porta.identity.JdbcIdentityStore;
import dev.porta.common.SigningKeyRing;
import dev.porta.common.MasterKeys;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;

/**
 * {@code porta admin ...}: manages what is stored, straight on the database. With the embedded H2
 * database Porta must be stopped first (H2 allows one process); PostgreSQL has no such limit.
 */
final class AdminCommand {
    private final Config config;
    private final List<String> words;
    private final Map<String, String> options;
    private final InputStream in;
    private final PrintStream out;

    /**
     * Prints the coturn configuration matching {@code turn.*}: the realm is the public host, coturn listens
     * where the {@code turn:} URLs say, and its relay may reach Porta's media addresses. Without a secret yet,
     * prints a fresh one to put in both places.
     */
    private int turnConfig() {
        dev.porta.media.turn.TurnConfig turn = dev.porta.media.turn.TurnConfig.from(config);
        dev.porta.media.MediaConfig media = dev.porta.media.MediaConfig.from(config);
        String secret = turn.sharedSecret();
        if (secret.isEmpty()) {
            byte[] b = new byte[32];
            new java.security.SecureRandom().nextBytes(b);
            secret = java.util.HexFormat.of().formatHex(b);
            out.println("# turn.shared-secret is not set: a fresh secret is below. Set the same value in Porta:");
            out.println("#   turn.shared-secret = " + secret);
        }
        int port = 3478;
        int tlsPort = 0;
        for (dev.porta.media.turn.TurnConfig.TurnUrl u : turn.parsedUrls()) {
            if (u.tls()) {
                tlsPort = u.port();
            } else {
                port = u.port();
            }
        }
        String host = config.has("http.public-host") ? config.string("http.public-host").replaceFirst(":\\d+$", "") : "porta.example.com";
        java.util.List<String> external = new java.util.ArrayList<>();
        for (int i = 0; i < media.publicAddresses().size() && i < media.candidateAddresses().size(); i++) {
            external.add(media.publicAddresses().get(i) + "/" + media.candidateAddresses().get(i));
        }
        out.print(new dev.porta.media.turn.CoturnConfig(host, java.util.List.of(), port, tlsPort,
                "/etc/letsencrypt/live/" + host + "/fullchain.pem", "/etc/letsencrypt/live/" + host + "/privkey.pem",
                49160, 49200, external, media.candidateAddresses()).render(secret));
        return 0;
    }

    /**
     * Lists the live nodes of the cluster (from the registry in Redis): id, URL, load, heartbeat age and the
     * meetings each is home to. {@code --json} for a machine-readable list.
     */
    private int cluster() {
        String url = config.string("cluster.redis-url");
        if (url.isBlank()) {
            throw new Main.UsageException("cluster.redis-url is not set: this Porta is one node (docs/cluster.md)");
        }
        List<dev.porta.cluster.ClusterNode> nodes;
        try (var redis = dev.porta.cluster.Redis.connect(url, config.string("cluster.redis-key-prefix"), config.duration("cluster.redis-timeout"))) {
            nodes = dev.porta.cluster.RedisMeetingPlacement.nodes(redis);
        } catch (RuntimeException e) {
            // the URL may hold a password: name the key, not the value
            throw new Main.UsageException("cannot read the cluster registry from cluster.redis-url (" + e.getClass().getSimpleName() + ")");
        }
        if (options.containsKey("json")) {
            ObjectMapper json = new ObjectMapper();
            var list = json.createArrayNode();
            for (var n : nodes) {
                ObjectNode o = list.addObject();
                o.put("nodeId", n.nodeId()).put("url", n.url()).put("draining", n.draining());
                n.mediaAddresses().forEach(o.putArray("mediaAddresses")::add);
                o.put("meetings", n.meetings()).put("participants", n.participants()).put("packetsPerSecond", n.packetsPerSecond())
                        .put("heartbeatAgeMillis", n.heartbeatAge().toMillis());
                n.homes().forEach(o.putArray("homes")::add);
            }
            try {
                out.println(json.enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(list));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
            return 0;
        }
        if (nodes.isEmpty()) {
            out.println("no live node in the registry");
            return 0;
        }
        out.printf("%-20s %-8s %-36s %8s %12s %10s %9s  %s%n", "NODE", "STATE", "URL", "MEETINGS", "PARTICIPANTS", "PACKETS/S", "HEARTBEAT", "HOME OF");
        for (var n : nodes) {
            out.printf("%-20s %-8s %-36s %8d %12d %10d %8.1fs  %s%n", n.nodeId(), n.draining() ? "draining" : "live", n.url(), n.meetings(), n.participants(),
                    n.packetsPerSecond(), n.heartbeatAge().toMillis() / 1000.0, n.homes().isEmpty() ? "-" : String.join(" ", n.homes()));
        }
        return 0;
    }

    /**
     * {@code porta admin drain NODE}: flags a live node draining in Redis; at its next heartbeat it stops
     * taking meetings and answers not ready, and it exits once its meetings ended (docs/cluster.md).
     * {@code porta admin undrain NODE} clears the flag.
     */
    private int drain(boolean drain) {
        String verb = drain ? "drain" : "undrain";
        if (words.size() != 2) {
            throw new Main.UsageException("usage: porta admin " + verb + " NODE (a node id, as porta admin cluster lists it)");
        }
        String node = words.get(1);
        if (!node.matches("[A-Za-z0-9._-]{1,64}")) {
            throw new Main.UsageException("'" + node + "' is not a node id (1 to 64 letters, digits, '.', '_' or '-')");
        }
        String url = config.string("cluster.redis-url");
        if (url.isBlank()) {
            throw new Main.UsageException("cluster.redis-url is not set: this Porta is one node; stop it with SIGTERM to drain it (docs/cluster.md)");
        }
        boolean known;
        try (var redis = dev.porta.cluster.Redis.connect(url, config.string("cluster.redis-key-prefix"), config.duration("cluster.redis-timeout"))) {
            known = drain ? dev.porta.cluster.RedisMeetingPlacement.drain(redis, node) : dev.porta.cluster.RedisMeetingPlacement.undrain(redis, node);
        } catch (RuntimeException e) {
            throw new Main.UsageException("cannot reach the cluster registry at cluster.redis-url (" + e.getClass().getSimpleName() + ")");
        }
        if (!known) {
            throw new Main.UsageException("no live node '" + node + "' in the cluster registry (porta admin cluster lists them)");
        }
        out.println(drain ? "node " + node + " is draining: no new meetings; it exits once its live meetings end (at most cluster.drain-timeout)"
                : "node " + node + " takes new meetings again");
        return 0;
    }

    AdminCommand(Config config, List<String> words, Map<String, String> options, InputStream in, PrintStream out) {
        this.config = config;
        this.words = words;
        this.options = options;
        this.in = in;
        this.out = out;
    }

    int run() {
        if (words.isEmpty()) {
            throw new Main.UsageException("admin needs a subcommand: keys, rotate-key, connection-string (see porta help)");
        }
        if (words.getFirst().equals("turn-config")) {
            return turnConfig(); // no database: it may run beside a live Porta
        }
        if (words.getFirst().equals("cluster")) {
            return cluster(); // Redis only: it runs beside the live nodes
        }
        if (words.getFirst().equals("drain") || words.getFirst().equals("undrain")) {
            return drain(words.getFirst().equals("drain")); // Redis only, as cluster
        }
        Path dataDir = Path.of(config.string("data.dir"));
        if (words.getFirst().equals("generate-master-key")) {
            return MasterKeyCommands.generate(options, out);
        }
        MasterKeys.Loaded keys = MasterKeys.load(config, System.getenv(), dataDir);
        Database db;
        try {
            db = Database.open(DatabaseConfig.from(config, dataDir));
        } catch (RuntimeException e) {
            throw new Main.UsageException("cannot open the database (" + rootMessage(e) + "). With the embedded database, "
                    + "stop Porta before running admin commands on the same data directory.");
        }
        try (db) {
            Clock clock = Clock.systemUTC();
            String sub = words.getFirst();
            if (sub.equals("directory-help")) {
                out.println(AdminCli.USAGE);
                return 0;
            }
            if (sub.equals("rotate-master-key")) {
                return MasterKeyCommands.rotate(keys, db, clock, out);
            }
            if (AdminCli.COMMANDS.contains(sub)) {
                try {
                    return new AdminCli(MeetingsWiring.directory(config, db, keys.box(), clock), out, this::readPassword)
                            .withAudit(MeetingsWiring.audit(db, clock), cliActor()).run(sub, options);
                } catch (DirectoryException e) {
                    throw new Main.UsageException(e.getMessage());
                }
            }
            var store = new JdbcIdentityStore(db, clock, keys.box());
            var identities = new IdentityService(store, new AccessTokenIssuer(new SigningKeyRing(store, clock)), clock);
            CommunicationResource resource = resource(identities);
            String endpoint = endpoint();
            return switch (words.getFirst()) {
                case "keys" -> print(resource, endpoint);
                case "connection-string" -> {
                    out.println(resource.connectionString(endpoint));
                    yield 0;
                }
                case "rotate-key" -> {
                    String which = words.size() > 1 ? words.get(1) : "";
                    int index = switch (which) {
                        case "primary" -> 0;
                        case "secondary" -> 1;
                        default -> throw new Main.UsageException("rotate-key needs 'primary' or 'secondary'");
                    };
                    CommunicationResource rotated = identities.rotateKey(resource.id(), index);
                    MeetingsWiring.audit(db, clock).record(dev.porta.directory.TenantId.parse(rotated.tenantId()), cliActor(),
                            dev.porta.directory.audit.AuditAction.ACCESS_KEY_ROTATED, rotated.id().toString(), "local", Map.of("key", which));
                    yield print(rotated, endpoint);
                }
                default -> throw new Main.UsageException("unknown admin subcommand '" + words.getFirst() + "' (see porta help)");
            };
        }
    }

    /** Who runs {@code porta admin}, for the audit log: the operating-system user. */
    private static dev.porta.directory.audit.AuditActor cliActor() {
        return dev.porta.directory.audit.AuditActor.adminCli(System.getProperty("user.name"));
    }

    /** One password from standard input: without echo on a terminal, else the first line (piped). */
    private String readPassword() {
        java.io.Console console = System.console();
        if (in == System.in && console != null) {
            char[] typed = console.readPassword("Password: ");
            return typed == null ? null : new String(typed);
        }
        try {
            return new java.io.BufferedReader(new java.io.InputStreamReader(in, java.nio.charset.StandardCharsets.UTF_8)).readLine();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot read the password from standard input", e);
        }
    }

    private CommunicationResource resource(IdentityService identities) {
        List<CommunicationResource> all = identities.resources();
        String tenant = options.get("tenant");
        if (tenant != null) {
            return all.stream().filter(r -> r.tenantId().equals(tenant)).findFirst()
                    .orElseThrow(() -> new Main.UsageException("no communication resource for tenant " + tenant));
        }
        if (all.isEmpty()) {
            throw new Main.UsageException("there is no communication resource yet; run 'porta demo' first");
        }
        if (all.size() > 1) {
            throw new Main.UsageException("several tenants have resources; choose one with --tenant");
        }
        return all.getFirst();
    }

    private String endpoint() {
        String publicHost = config.string("http.public-host");
        int port = config.integer("http.port");
        return "https://" + (publicHost.isBlank() ? (port == 443 ? "localhost" : "localhost:" + port) : publicHost) + "/";
    }

    private int print(CommunicationResource r, String endpoint) {
        if (options.containsKey("json")) {
            ObjectNode o = new ObjectMapper().createObjectNode();
            o.put("resourceId", r.id().toString());
            o.put("tenantId", r.tenantId());
            o.put("primaryKey", r.primaryKey());
            o.put("secondaryKey", r.secondaryKey());
            o.put("connectionString", r.connectionString(endpoint));
            try {
                out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(o));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        } else {
            out.println("resource:          " + r.id());
            out.println("tenant:            " + r.tenantId());
            out.println("primary key:       " + r.primaryKey());
            out.println("secondary key:     " + r.secondaryKey());
            out.println("connection string: " + r.connectionString(endpoint));
        }
        return 0;
    }

    private static String rootMessage(Throwable e) {
        while (e.getCause() != null) {
            e = e.getCause();
        }
        return e.getMessage();
    }
}
