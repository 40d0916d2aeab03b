// SPDX-License-Identifier: Apache-2.0
package dev.porta.server;

import dev.porta.common.Config;
import dev.porta.common.ConfigException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * The {@code porta} command: {@code serve}, {@code demo} and {@code admin ...}. Options common to all:
 * {@code --config FILE}, {@code --data-dir DIR}, {@code --port N}.
 */
public final class Main {
    static final String USAGE = """
            Usage: porta <command> [options]

            Commands:
              serve                 Run Porta with the configuration (HTTPS, embedded H2 by default).
              demo                  Run Porta with a demo tenant; prints URLs and credentials and writes
                                    them to <data-dir>/demo.json. Safe to run again on the same data.
              admin keys [--json]   Show the communication resource's access keys and connection string.
              admin rotate-key primary|secondary [--json]
                                    Replace one access key (clients using the other keep working).
              admin connection-string
                                    Print the connection string for the Identity API.
              admin rotate-master-key
                                    Seal every stored secret (access keys, signing keys) with a new
                                    master key, replacing the key file; the old key is kept beside it
                                    as <file>.retired-<id> for older backups (docs/security.md).
              admin generate-master-key --file FILE
                                    Write a new master key (0600) for secrets.master-key-file.
              admin turn-config     Print the coturn configuration matching the turn.* keys.
              admin cluster [--json]
                                    List the live nodes of the cluster (cluster.redis-url): URL, load,
                                    heartbeat age and the meetings each is home to.
              admin drain NODE      Drain a live node: it takes no new meetings, answers not ready, keeps
                                    its live meetings until they end (cluster.drain-timeout), then exits.
              admin undrain NODE    Take a draining node back (if it has not exited yet).
              admin tenants | members | apps | secret-add | access-policy-set | meeting-policy-set ...
                                    Manage the directory: tenants, members, app registrations and
                                    secrets, application access policies, meeting policy (guest
                                    capabilities). 'porta admin directory-help' lists every subcommand.
              admin audit [--since T] [--until T] [--action A] [--actor A] [--tenant T] [--limit N]
                                    Print the audit log as JSON lines, oldest first (docs/admin.md).
              help                  This text.
              loadtest ...          (./porta only) Synthetic participants against Porta and a reference SFU
                                    on loopback; writes a benchmark report. ./porta loadtest help.

            Options:
              --config FILE         A configuration file (key = value lines; see porta.conf for every key).
              --data-dir DIR        Overrides data.dir (default: data).
              --port N              Overrides http.port (default: 8443; 0 picks a free port).
              --media-port N        Overrides media.port, the SFU's UDP (and ICE-TCP) port (default: 10000;
                                    0 picks a free one; demo picks one by itself when 10000 is taken).
              --tenant ID           admin: the tenant whose resource to use (default: the only one).

            Environment: PORTA_<KEY> overrides any key (http.port -> PORTA_HTTP_PORT). PORTA_MASTER_KEY (Base64
            of 32 bytes) is the master key that seals stored secrets, instead of secrets.master-key-file.
            """;

    private Main() { }

    public static void main(String[] args) {
        int code = run(args, System.out, System.err);
        if (code >= 0) {
            System.exit(code);
        }
    }

    /** Runs one command; returns the exit code, or -1 when a server keeps running. */
    static int run(String[] args, PrintStream out, PrintStream err) {
        return run(args, System.in, out, err);
    }

    /** As {@link #run(String[], PrintStream, PrintStream)}, reading passwords ({@code --password-stdin}) from {@code in}. */
    static int run(String[] args, java.io.InputStream in, PrintStream out, PrintStream err) {
        try {
            Cli cli = Cli.parse(args);
            Config config = cli.config();
            ServerConfig.from(config); // every command refuses an invalid configuration, naming the key
            dev.porta.directory.DirectoryConfig.from(config); // (a short directory.admin-key among them)
            MeetingsWiring.auditRetention(config);
            return switch (cli.command()) {
                case "serve" -> serve(config, false, out);
                case "demo" -> serve(config, true, out);
                case "admin" -> new AdminCommand(config, cli.rest(), cli.options(), in, out).run();
                case "help", "--help", "-h" -> {
                    out.print(USAGE);
                    yield 0;
                }
                default -> {
                    err.println("porta: unknown command '" + cli.command() + "'\n");
                    err.print(USAGE);
                    yield 2;
                }
            };
        } catch (ConfigException | UsageException e) {
            err.println("porta: " + e.getMessage());
            return 2;
        }
    }

    private static int serve(Config config, boolean demo, PrintStream out) {
        PortaServer server = start(config, demo, out);
        CountDownLatch stopped = new CountDownLatch(1);
        // SIGTERM (and Ctrl+C) on serve: drain for at most cluster.stop-drain-timeout, then stop; the demo stops at once
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (demo) {
                server.close();
            } else {
                server.stop();
            }
            stopped.countDown();
        }, "porta-shutdown"));
        // drained after porta admin drain: exit (the shutdown hook finds no meeting left, or none to wait for)
        server.whenDrained(() -> System.exit(0));
        out.println("Porta is running at " + server.baseUrl());
        out.println("  health:            " + server.baseUrl() + "health");
        out.println("  metrics:           " + server.baseUrl() + "metrics");
        out.println("  TLS certificate:   " + server.certificatePem().toAbsolutePath() + " (trust it in clients)");
        out.println("  media:             UDP " + server.mediaPort()
                + (server.mediaTcpPort() > 0 ? ", ICE-TCP " + server.mediaTcpPort() : ""));
        if (demo) {
            DemoTenant.Result result = DemoTenant.seed(server);
            out.println();
            out.println("Demo tenant " + result.tenantId() + ":");
            out.println("  connection string: " + result.connectionString());
            printDemoCredentials(result.file(), server.baseUrl(), out);
            out.println("  written to:        " + result.file().toAbsolutePath());
        }
        out.println("Stop with Ctrl+C.");
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return -1;
    }

    /**
     * Starts the server. A demo whose media port is taken (a second {@code porta demo}) takes a free one
     * instead, as {@code --port 0} does for HTTP; {@code serve} keeps the configured port and says why not.
     */
    static PortaServer start(Config config, boolean demo, PrintStream out) {
        try {
            return PortaServer.start(config, Clock.systemUTC());
        } catch (ConfigException e) {
            if (!demo || !(e.key().equals("media.port") || e.key().equals("media.tcp-port"))) {
                throw e;
            }
            out.println("porta: " + e.getMessage());
            out.println("The demo takes a free media port instead.");
            String tcp = config.has("media.tcp-port") && config.string("media.tcp-port").equals("off") ? "off" : "";
            return PortaServer.start(config.with(Map.of("media.port", "0", "media.tcp-port", tcp)), Clock.systemUTC());
        }
    }

    /** The demo app and members (fresh secrets on every run: only hashes are stored). */
    private static void printDemoCredentials(Path demoJson, String baseUrl, PrintStream out) {
        try {
            var demo = new com.fasterxml.jackson.databind.ObjectMapper().readTree(demoJson.toFile());
            out.println("  members' web app:  " + baseUrl + "app/");
            for (var m : demo.path("members")) {
                out.println("  member:            " + m.path("userPrincipalName").asText() + " / " + m.path("password").asText()
                        + " (" + m.path("displayName").asText() + ")");
            }
            out.println("  Graph app:         client id " + demo.at("/app/clientId").asText() + ", secret "
                    + demo.at("/app/clientSecret").asText());
        } catch (java.io.IOException e) {
            out.println("  (cannot read " + demoJson + ": " + e.getMessage() + ")");
        }
    }

    /** A command line: the command, its positional words and its options. */
    record Cli(String command, List<String> rest, Map<String, String> options, Config config) {
        static Cli parse(String[] args) {
            List<String> words = new ArrayList<>();
            Map<String, String> options = new HashMap<>();
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                if (a.startsWith("--") && !a.equals("--help")) {
                    String name = a.substring(2);
                    String value;
                    int eq = name.indexOf('=');
                    if (eq >= 0) {
                        value = name.substring(eq + 1);
                        name = name.substring(0, eq);
                    } else if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
                        value = args[++i];
                    } else {
                        value = "true"; // a flag such as --json or --global
                    }
                    options.put(name, value);
                } else {
                    words.add(a);
                }
            }
            boolean admin = !words.isEmpty() && words.getFirst().equals("admin");
            for (String name : options.keySet()) {
                if (!admin && !List.of("config", "data-dir", "port", "media-port", "json").contains(name)) {
                    throw new UsageException("unknown option --" + name + " (see porta help)");
                }
            }
            String command = words.isEmpty() ? "help" : words.removeFirst();
            Map<String, String> overrides = new HashMap<>();
            if (options.containsKey("data-dir")) {
                overrides.put("data.dir", options.get("data-dir"));
            }
            if (options.containsKey("port")) {
                overrides.put("http.port", options.get("port"));
            }
            if (options.containsKey("media-port")) {
                overrides.put("media.port", options.get("media-port"));
            }
            Path file = options.containsKey("config") ? Path.of(options.get("config")) : null;
            Config config = Config.load("porta.conf", file, System.getenv()).with(overrides);
            return new Cli(command, words, options, config);
        }
    }

    /** A mistake on the command line; the message says what to type instead. */
    static final class UsageException extends RuntimeException {
        UsageException(String message) {
            super(message);
        }
    }
}
