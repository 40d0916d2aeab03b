// SPDX-License-Identifier: Apache-2.0
package dev.porta.loadtest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.porta.identity.HmacAuthenticator;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A Porta node: the demo tenant's application schedules the meetings through the Graph API (client
 * credentials), the Identity API (signed with the resource's access key) mints one guest identity and
 * token per participant, and meetings let everyone bypass the lobby so guests enter directly.
 * Either attaches to a running Porta (its demo.json) or starts {@code porta.jar demo} as a child process
 * on loopback and stops it at the end.
 */
final class PortaTarget implements Target {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final JsonNode demo;
    private final HttpClient http;
    private final String base;
    private final long pid;
    private final boolean inProcess;
    private final Process child;
    private final List<String> meetingLinks = new ArrayList<>();
    private final Map<String, String> tokens = new HashMap<>();

    private PortaTarget(JsonNode demo, long pid, boolean inProcess, Process child) {
        this.demo = demo;
        this.base = demo.get("baseUrl").asText();
        this.http = HttpClient.newBuilder().sslContext(trusting(Path.of(demo.get("certificatePem").asText())))
                .connectTimeout(Duration.ofSeconds(10)).build();
        this.pid = pid;
        this.inProcess = inProcess;
        this.child = child;
        if (!isLoopback(URI.create(base).getHost())) {
            throw new IllegalArgumentException("the load test only talks to loopback; demo.json says " + base);
        }
    }

    /** Attaches to a Porta already running (for example in the test's JVM). */
    static PortaTarget attach(Path demoJson, long pid, boolean inProcess) throws IOException {
        return new PortaTarget(JSON.readTree(demoJson.toFile()), pid, inProcess, null);
    }

    /**
     * Starts {@code java -jar porta.jar demo} with a fresh data directory, HTTPS and media on 127.0.0.1
     * and free ports, and waits for its demo.json.
     */
    static PortaTarget start(Path portaJar, Path workDir) throws IOException, InterruptedException {
        return start(portaJar, workDir, Map.of());
    }

    /** As {@link #start(Path, Path)}, with more configuration as PORTA_* environment variables (e.g. the TURN keys). */
    static PortaTarget start(Path portaJar, Path workDir, Map<String, String> environment) throws IOException, InterruptedException {
        Path data = Files.createDirectories(workDir.resolve("porta-data"));
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        ProcessBuilder pb = new ProcessBuilder(java.toString(), "-jar", portaJar.toString(), "demo",
                "--data-dir", data.toString(), "--port", "0");
        pb.environment().put("PORTA_HTTP_HOST", "127.0.0.1");
        pb.environment().put("PORTA_MEDIA_PORT", "0");
        pb.environment().put("PORTA_MEDIA_BIND_ADDRESS", "127.0.0.1");
        pb.environment().put("PORTA_MEDIA_ADVERTISED_ADDRESS", "127.0.0.1");
        // Every synthetic participant connects from 127.0.0.1: the per-address ICE-TCP bound (16, against one
        // host opening many connections) would refuse all but the first eight participants over --transport tcp.
        pb.environment().put("PORTA_MEDIA_TCP_MAX_CONNECTIONS_PER_ADDRESS", "1024");
        pb.environment().putAll(environment);
        pb.redirectErrorStream(true).redirectOutput(workDir.resolve("porta.log").toFile());
        Process p = ServerProcesses.start(pb);
        Path demoJson = data.resolve("demo.json");
        long deadline = System.nanoTime() + Duration.ofSeconds(300).toNanos(); // a machine shared by builds starts slowly
        while (!Files.exists(demoJson) || Files.size(demoJson) == 0) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                ServerProcesses.stop(p);
                throw new IOException("Porta did not start; see " + workDir.resolve("porta.log"));
            }
            Thread.sleep(200);
        }
        Thread.sleep(300); // demo.json is written in one call; give the writer time to finish it
        return new PortaTarget(JSON.readTree(demoJson.toFile()), p.pid(), false, p);
    }

    @Override
    public String name() {
        return "porta";
    }

    @Override
    public long nodePid() {
        return pid;
    }

    @Override
    public boolean inProcess() {
        return inProcess;
    }

    @Override
    public void prepare(Scenario scenario) throws Exception {
        String appToken = appToken();
        for (int m = 0; m < scenario.meetings(); m++) {
            meetingLinks.add(createMeeting(appToken, "Load test " + (m + 1)));
            for (int i = 0; i < scenario.participantsPerMeeting(); i++) {
                tokens.put(m + "/" + i, guestToken());
            }
        }
    }

    /** One meeting everyone enters directly and a guest token for each of {@code guests} (the join storm, beyond scenarios' bound). */
    void prepareOneMeeting(int guests) throws Exception {
        meetingLinks.add(createMeeting(appToken(), "Join storm"));
        for (int i = 0; i < guests; i++) {
            tokens.put("0/" + i, guestToken());
        }
    }

    @Override
    public SyntheticParticipant participant(Env env, int meeting, int index, boolean audio, boolean video) {
        URI calling = URI.create(base.replaceFirst("^https", "wss") + "calling/v1");
        return new PortaParticipant(env, http, calling, meetingLinks.get(meeting), tokens.get(meeting + "/" + index),
                "Load " + (meeting + 1) + "." + (index + 1), audio, video);
    }

    /** {@code porta_media_packets_out_total} from the node's Prometheus endpoint. */
    @Override
    public long nodePacketsOut() {
        return (long) metricSum("porta_media_packets_out_total");
    }

    /** The node's heap in use (the sum of its heap pools, {@code jvm_memory_used_bytes{area="heap"}}); -1 when untold. */
    long heapUsedBytes() {
        return (long) metricSum("jvm_memory_used_bytes{area=\"heap\"");
    }

    /** The sum of the node's Prometheus samples whose line starts with {@code prefix}; -1 when there is none. */
    private double metricSum(String prefix) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "metrics")).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            double sum = -1;
            for (String line : r.body().split("\n")) {
                if (line.startsWith(prefix)) {
                    sum = Math.max(sum, 0) + Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                }
            }
            return sum;
        } catch (IOException | NumberFormatException e) {
            return -1; // the report then says the node did not tell
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** The calling WebSocket's URL. */
    URI callingUrl() {
        return URI.create(base.replaceFirst("^https", "wss") + "calling/v1");
    }

    /** Another client trusting the node's certificate (each has one selector thread doing TLS for its sockets). */
    HttpClient newHttpClient() {
        return HttpClient.newBuilder().sslContext(trusting(Path.of(demo.get("certificatePem").asText())))
                .connectTimeout(Duration.ofSeconds(30)).build();
    }

    /** The join link of meeting {@code meeting} made by {@link #prepare}. */
    String meetingLink(int meeting) {
        return meetingLinks.get(meeting);
    }

    /** The guest token {@link #prepare} minted for participant {@code index} of meeting {@code meeting}. */
    String guestToken(int meeting, int index) {
        return tokens.get(meeting + "/" + index);
    }

    private String appToken() throws IOException, InterruptedException {
        String form = "grant_type=client_credentials&client_id=" + enc(demo.at("/app/clientId").asText())
                + "&client_secret=" + enc(demo.at("/app/clientSecret").asText())
                + "&scope=" + enc("https://graph.microsoft.com/.default");
        HttpRequest req = HttpRequest.newBuilder(URI.create(base + demo.get("tenantId").asText() + "/oauth2/v2.0/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build();
        return call(req, "token").get("access_token").asText();
    }

    private String createMeeting(String appToken, String subject) throws IOException, InterruptedException {
        ObjectNode body = JSON.createObjectNode();
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        body.put("subject", subject);
        body.put("startDateTime", now.minusMinutes(5).toString());
        body.put("endDateTime", now.plusHours(3).toString());
        body.put("allowedPresenters", "everyone");
        body.putObject("lobbyBypassSettings").put("scope", "everyone");
        String organizer = demo.at("/members/0/id").asText();
        HttpRequest req = HttpRequest.newBuilder(URI.create(base + "v1.0/users/" + organizer + "/onlineMeetings"))
                .header("Authorization", "Bearer " + appToken).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build();
        return call(req, "create meeting").get("joinWebUrl").asText();
    }

    private String guestToken() throws IOException, InterruptedException {
        Map<String, String> cs = new HashMap<>();
        for (String part : demo.get("connectionString").asText().split(";")) {
            int eq = part.indexOf('=');
            if (eq > 0) {
                cs.put(part.substring(0, eq).trim().toLowerCase(java.util.Locale.ROOT), part.substring(eq + 1).trim());
            }
        }
        URI endpoint = URI.create(cs.get("endpoint"));
        String pathAndQuery = "/identities?api-version=2023-10-01";
        URI uri = endpoint.resolve(pathAndQuery);
        byte[] body = "{\"createTokenWithScopes\":[\"voip\"]}".getBytes(StandardCharsets.UTF_8);
        String date = HmacAuthenticator.formatDate(Instant.now());
        String hash = HmacAuthenticator.contentHash(body);
        String host = uri.getHost() + (uri.getPort() > 0 ? ":" + uri.getPort() : "");
        HttpRequest req = HttpRequest.newBuilder(uri)
                .header("x-ms-date", date).header("x-ms-content-sha256", hash)
                .header("Authorization", HmacAuthenticator.authorizationHeader(cs.get("accesskey"), "POST", pathAndQuery, date, host, hash))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        return call(req, "create guest identity").at("/accessToken/token").asText();
    }

    private JsonNode call(HttpRequest req, String what) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() / 100 != 2) {
            throw new IOException(what + " failed: HTTP " + r.statusCode() + " " + r.body());
        }
        return JSON.readTree(r.body());
    }

    static boolean isLoopback(String host) {
        try {
            for (java.net.InetAddress a : java.net.InetAddress.getAllByName(host)) {
                if (!a.isLoopbackAddress()) {
                    return false;
                }
            }
            return true;
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    static SSLContext trusting(Path pem) {
        try (InputStream in = Files.newInputStream(pem)) {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("porta", CertificateFactory.getInstance("X.509").generateCertificate(in));
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx;
        } catch (IOException | java.security.GeneralSecurityException e) {
            throw new IllegalStateException("cannot trust " + pem, e);
        }
    }

    @Override
    public void close() {
        if (child != null) {
            ServerProcesses.stop(child);
        }
    }
}
