// SPDX-License-Identifier: Apache-2.0
package dev.porta.cluster;

import dev.porta.common.testing.RequiredService;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;

/**
 * The real Redis for tests: {@code PORTA_TEST_REDIS_URL}, default {@code redis://127.0.0.1:6379/0}.
 * Each test gets its own key prefix, and its keys are deleted when it closes, so tests share one Redis
 * safely. Without a Redis the test skips loudly, or fails under porta.require=all (or =redis).
 */
public final class TestRedis implements AutoCloseable {
    private final String url;
    private final String prefix;
    private final Redis cleaner;

    private TestRedis(String url, String prefix) {
        this.url = url;
        this.prefix = prefix;
        this.cleaner = Redis.connect(url, prefix, Duration.ofSeconds(5));
    }

    public static TestRedis start() {
        String url = System.getenv().getOrDefault("PORTA_TEST_REDIS_URL", "redis://127.0.0.1:6379/0");
        RequiredService.require("redis", answers(url),
                "Start Redis on 127.0.0.1:6379 (apt-get install redis-server; .ci/run does this)");
        return new TestRedis(url, "porta-test-" + UUID.randomUUID() + ":");
    }

    public String url() {
        return url;
    }

    /** The prefix of this test's keys and channels. */
    public String prefix() {
        return prefix;
    }

    /** A new client on this test's prefix: one per simulated node. */
    public Redis connect() {
        return Redis.connect(url, prefix, Duration.ofSeconds(5));
    }

    /** How many keys this test has in Redis now. */
    public int keyCount() {
        int n = 0;
        ScanCursor cursor = ScanCursor.INITIAL;
        do {
            KeyScanCursor<String> page = cleaner.commands().scan(cursor, ScanArgs.Builder.matches(prefix + "*").limit(500));
            n += page.getKeys().size();
            cursor = page;
        } while (!cursor.isFinished());
        return n;
    }

    @Override
    public void close() {
        forgetEverything();
        cleaner.close();
    }

    /** Deletes this test's keys: what a Redis restarted without persistence has lost. */
    public void forgetEverything() {
        ScanCursor cursor = ScanCursor.INITIAL;
        do {
            KeyScanCursor<String> page = cleaner.commands().scan(cursor, ScanArgs.Builder.matches(prefix + "*").limit(500));
            if (!page.getKeys().isEmpty()) {
                cleaner.commands().del(page.getKeys().toArray(String[]::new));
            }
            cursor = page;
        } while (!cursor.isFinished());
    }

    /** A PING over a plain socket: whether a Redis answers, without a client's retries and logging. */
    private static boolean answers(String url) {
        java.net.URI uri = java.net.URI.create(url);
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(uri.getHost(), uri.getPort() < 0 ? 6379 : uri.getPort()), 1000);
            s.setSoTimeout(1000);
            OutputStream out = s.getOutputStream();
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            byte[] reply = in.readNBytes(5);
            return new String(reply, StandardCharsets.US_ASCII).equals("+PONG");
        } catch (IOException e) {
            return false;
        }
    }
}
