// SPDX-License-Identifier: Apache-2.0
package dev.porta.loadtest;

import java.nio.file.Path;

/** Janus VideoRoom as the reference SFU: not driven yet (see the report's "what remains"). */
final class JanusTarget {
    private JanusTarget() { }

    static Target start(Path janus, Path workDir) {
        throw new IllegalArgumentException("the Janus side is not implemented yet; use --target porta");
    }
}
