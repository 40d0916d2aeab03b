// SPDX-License-Identifier: Apache-2.0
package dev.porta.loadtest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/** CPU time and resident memory of one process, from the kernel's process accounting. */
final class NodeProbe {
    private final long pid;

    NodeProbe(long pid) {
        this.pid = pid;
    }

    /** Total CPU time (user + system) so far, in nanoseconds; -1 if the process is unknown. */
    long cpuNanos() {
        Optional<ProcessHandle> p = pid == ProcessHandle.current().pid() ? Optional.of(ProcessHandle.current()) : ProcessHandle.of(pid);
        return p.flatMap(h -> h.info().totalCpuDuration()).map(Duration::toNanos).orElse(-1L);
    }

    /** Resident set size in bytes (Linux {@code VmRSS}); -1 when not available. */
    long rssBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            // not Linux, or the process is gone
        }
        return -1;
    }
}
