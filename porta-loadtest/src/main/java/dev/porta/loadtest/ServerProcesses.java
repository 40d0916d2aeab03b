// SPDX-License-Identifier: Apache-2.0
package dev.porta.loadtest;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The servers this run started (Porta, Janus): stopped when the load tester exits, however it exits.
 * Without this an interrupted run (Ctrl-C, a CI timeout) left them running, still bound to loopback.
 */
final class ServerProcesses {
    private static final Set<Process> RUNNING = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(ServerProcesses::stopAll, "porta-loadtest-stop-servers"));
    }

    private ServerProcesses() {
    }

    /** Starts {@code builder}'s process and stops it when this JVM exits, unless {@link #stop} did first. */
    static Process start(ProcessBuilder builder) throws java.io.IOException {
        Process p = builder.start();
        RUNNING.add(p);
        return p;
    }

    /** Asks the process to stop, waits up to 10 s, then kills it. */
    static void stop(Process p) {
        p.destroy();
        try {
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        RUNNING.remove(p);
    }

    private static void stopAll() {
        RUNNING.forEach(Process::destroy);
        for (Process p : RUNNING) {
            try {
                if (!p.waitFor(5, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
            }
        }
    }
}
