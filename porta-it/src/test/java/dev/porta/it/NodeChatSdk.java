// SPDX-License-Identifier: Apache-2.0
package dev.porta.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.porta.common.testing.RequiredService;
import dev.porta.server.RunningPorta;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The official {@code @azure/communication-chat} SDK on Node, as a test drives it: the project in
 * {@code src/test/node/chat} (exact versions, {@code package-lock.json}), its packages installed with {@code npm ci}
 * when missing (CI installs them before the tests), and its script run with Porta's certificate trusted through
 * {@code NODE_EXTRA_CA_CERTS}. Without node 20+ or the packages the test is skipped loudly, and fails under
 * {@code porta.require=all} (or {@code node}).
 */
final class NodeChatSdk {
    static final Path PROJECT = Path.of("src/test/node/chat").toAbsolutePath();
    private static final ObjectMapper JSON = new ObjectMapper();

    private NodeChatSdk() { }

    /** Skips (or fails under porta.require) unless node 20+ runs and the SDK's packages are installed. */
    static void require() {
        RequiredService.require("node", nodeMajor() >= 20, "Install Node.js 20 or newer (apt-get install nodejs npm).");
        if (!Files.exists(PROJECT.resolve("node_modules/@azure/communication-chat/package.json"))) {
            int npm = run(List.of("npm", "ci", "--no-audit", "--no-fund"), Map.of(), 300).exitCode();
            RequiredService.require("node", npm == 0 && Files.exists(PROJECT.resolve("node_modules/@azure/communication-chat")),
                    "Fetch the chat SDK's packages: (cd porta-it/src/test/node/chat && npm ci).");
        }
    }

    /** Runs the chat script against {@code porta} with {@code input}; its one JSON line of results. */
    static JsonNode run(RunningPorta porta, Map<String, Object> input) throws IOException {
        Map<String, Object> withEndpoint = new java.util.HashMap<>(input);
        withEndpoint.put("endpoint", porta.baseUrl().replaceAll("/+$", ""));
        Result r = run(List.of("node", "chat-thread.mjs", JSON.writeValueAsString(withEndpoint)),
                Map.of("NODE_EXTRA_CA_CERTS", porta.certificatePem().toString()), 120);
        String last = r.stdout().strip();
        if (last.isEmpty()) {
            throw new AssertionError("the chat script printed nothing (exit " + r.exitCode() + "); stderr: " + r.stderr());
        }
        JsonNode out = JSON.readTree(last.substring(last.lastIndexOf('\n') + 1));
        if (out.has("failed")) {
            throw new AssertionError("the chat script failed: " + out + "; stderr: " + r.stderr());
        }
        return out;
    }

    private record Result(int exitCode, String stdout, String stderr) { }

    private static Result run(List<String> command, Map<String, String> env, int timeoutSeconds) {
        try {
            Path out = Files.createTempFile("node-out", ".txt");
            Path err = Files.createTempFile("node-err", ".txt");
            ProcessBuilder pb = new ProcessBuilder(command).directory(PROJECT.toFile())
                    .redirectOutput(out.toFile()).redirectError(err.toFile());
            // Only Porta on 127.0.0.1 is spoken to: no proxy from the environment may take the SDK's requests elsewhere.
            for (String proxy : List.of("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy")) {
                pb.environment().remove(proxy);
            }
            pb.environment().put("NO_PROXY", "*");
            pb.environment().putAll(env);
            Process p = pb.start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError(command.getFirst() + " did not finish within " + timeoutSeconds + " s");
            }
            Result r = new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
            return r;
        } catch (IOException e) {
            return new Result(-1, "", e.toString()); // the command is not installed
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    private static int nodeMajor() {
        Result r = run(List.of("node", "-p", "process.versions.node.split('.')[0]"), Map.of(), 30);
        try {
            return r.exitCode() == 0 ? Integer.parseInt(r.stdout().strip()) : 0;
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
