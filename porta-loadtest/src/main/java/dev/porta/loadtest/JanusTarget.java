// SPDX-License-Identifier: Apache-2.0
package dev.porta.loadtest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Janus VideoRoom (Debian's {@code janus} package) as the reference SFU, started here on loopback with a
 * generated configuration: VideoRoom and plain HTTP only, HTTP on 127.0.0.1, ICE-lite, no STUN/TURN,
 * candidates from "lo" only (with a small preload library, compiled here, that lets Janus see "lo" at
 * all). Rooms have no bitrate cap and use VP8 and Opus. Stopped at the end of the run.
 */
final class JanusTarget implements Target {
    private static final String[] CONFIG_FILES = {"janus.jcfg", "janus.transport.http.jcfg", "janus.plugin.videoroom.jcfg"};
    private static final long FIRST_ROOM = 4242;
    private final Process process;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final URI base;

    private JanusTarget(Process process, URI base) {
        this.process = process;
        this.base = base;
    }

    static JanusTarget start(Path janus, Path workDir) throws IOException, InterruptedException {
        return start(janus, workDir, 0);
    }

    /**
     * @param eventLoops Janus's {@code event_loops}: 0 keeps Janus's default (a thread per handle);
     *                   N shares N loop threads among all handles, as Porta's {@code media.loops} does
     */
    static JanusTarget start(Path janus, Path workDir, int eventLoops) throws IOException, InterruptedException {
        if (!Files.isExecutable(janus)) {
            throw new IllegalArgumentException(janus + " not found: apt-get install -y janus");
        }
        Path dir = Files.createDirectories(workDir.resolve("janus").toAbsolutePath());
        int httpPort = freePort();
        for (String name : CONFIG_FILES) {
            Files.writeString(dir.resolve(name), resource(name).replace("@DIR@", dir.toString())
                    .replace("@HTTP_PORT@", Integer.toString(httpPort)).replace("@RTP_PORTS@", "30000-39999")
                    .replace("@EVENT_LOOPS@", eventLoops > 0 ? "\tevent_loops = " + eventLoops : ""));
        }
        Path source = dir.resolve("loopback-ifaddrs.c");
        Files.writeString(source, resource("loopback-ifaddrs.c"));
        Path shim = dir.resolve("loopback-ifaddrs.so");
        Process cc = new ProcessBuilder("cc", "-shared", "-fPIC", "-O2", "-o", shim.toString(), source.toString(), "-ldl")
                .redirectErrorStream(true).redirectOutput(dir.resolve("cc.log").toFile()).start();
        if (!cc.waitFor(60, TimeUnit.SECONDS) || cc.exitValue() != 0) {
            cc.destroyForcibly();
            throw new IOException("cannot compile the loopback preload library (needs cc); see " + dir.resolve("cc.log"));
        }
        ProcessBuilder pb = new ProcessBuilder(janus.toString(), "-C", dir.resolve("janus.jcfg").toString(),
                "-F", dir.toString(), "-o");
        pb.environment().put("LD_PRELOAD", shim.toString());
        pb.redirectErrorStream(true).redirectOutput(workDir.resolve("janus.log").toFile());
        Process p = ServerProcesses.start(pb);
        JanusTarget t = new JanusTarget(p, URI.create("http://127.0.0.1:" + httpPort + "/janus"));
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!t.answers()) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                t.close();
                throw new IOException("Janus did not start; see " + workDir.resolve("janus.log"));
            }
            Thread.sleep(200);
        }
        return t;
    }

    private boolean answers() {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/info"))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return s.getLocalPort();
        }
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = JanusTarget.class.getResourceAsStream("janus/" + name)) {
            if (in == null) {
                throw new IOException("missing resource janus/" + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Override
    public String name() {
        return "janus";
    }

    @Override
    public long nodePid() {
        return process.pid();
    }

    @Override
    public boolean inProcess() {
        return false;
    }

    @Override
    public void prepare(Scenario scenario) throws Exception {
        try (JanusSession admin = new JanusSession(http, base)) {
            long handle = admin.attach("janus.plugin.videoroom");
            for (int m = 0; m < scenario.meetings(); m++) {
                ObjectNode body = JanusSession.JSON.createObjectNode().put("request", "create").put("room", FIRST_ROOM + m)
                        .put("description", "Load test " + (m + 1)).put("publishers", scenario.participantsPerMeeting())
                        .put("bitrate", 0).put("videocodec", "vp8").put("audiocodec", "opus")
                        .put("notify_joining", false).put("permanent", false);
                var reply = admin.message(handle, body, null, null);
                String result = reply.at("/plugindata/data/videoroom").asText();
                if (!result.equals("created")) {
                    throw new IOException("Janus did not create a room: " + reply);
                }
            }
        }
    }

    @Override
    public SyntheticParticipant participant(Env env, int meeting, int index, boolean audio, boolean video) {
        return new JanusParticipant(env, http, base, FIRST_ROOM + meeting, "Load " + (meeting + 1) + "." + (index + 1),
                audio, video);
    }

    @Override
    public void close() {
        ServerProcesses.stop(process);
    }
}
