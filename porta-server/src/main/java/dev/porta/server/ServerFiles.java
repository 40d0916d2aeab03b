// SPDX-License-Identifier: Apache-2.0
package dev.porta.server;

import java.util.Set;

/** What Porta keeps in data.dir, by name: what start-up makes private (0700/0600) if it finds it open. */
final class ServerFiles {
    /** tls/ (key store, its password, certificate), keys/ (master key), demo.json. */
    private static final Set<String> NAMES = Set.of("tls", "keys", "demo.json");

    private ServerFiles() { }

    /** Also the embedded database's files: porta.mv.db, porta.trace.db, porta.lock.db and H2's temporary files. */
    static boolean isPortas(String name) {
        return NAMES.contains(name) || name.startsWith("porta.");
    }
}
