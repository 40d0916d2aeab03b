// SPDX-License-Identifier: Apache-2.0
package dev.porta.media.ice;

import dev.porta.media.stun.StunMessage;
import dev.porta.media.stun.StunWriter;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;

/**
 * The ICE-lite side of connectivity checks (RFC 8445 §2.5, §7.3): answers Binding Requests whose
 * USERNAME starts with a known local ufrag and whose MESSAGE-INTEGRITY verifies with that ufrag's
 * password; tells the endpoint about every valid check (consent) and about nomination. Everything
 * else is dropped and counted. Used only on the media thread.
 */
public final class IceLiteResponder {
    /** One ICE agent's local credentials and what it hears. */
    public interface Endpoint {
        byte[] localPassword();

        /** A valid check arrived from {@code from}; {@code nominated} when it carried USE-CANDIDATE. */
        void checked(InetSocketAddress from, boolean nominated);
    }

    /** Sends the response. */
    public interface Out {
        void send(byte[] b, int off, int len, InetSocketAddress to);
    }

    private final Map<String, Endpoint> byUfrag = new HashMap<>();
    private final byte[] out = new byte[512];
    private final byte[] tx = new byte[12];
    private long malformed;
    private long unauthorized;
    private long answered;

    public void register(String localUfrag, Endpoint endpoint) {
        byUfrag.put(localUfrag, endpoint);
    }

    public void unregister(String localUfrag) {
        byUfrag.remove(localUfrag);
    }

    public void handle(byte[] b, int off, int len, InetSocketAddress from, Out sender) {
        StunMessage m = StunMessage.parse(b, off, len);
        if (m == null) {
            malformed++;
            return;
        }
        if (m.type() != StunMessage.BINDING_REQUEST) {
            // indications and responses need no answer from an ICE-lite agent
            return;
        }
        String username = m.username();
        int colon = username == null ? -1 : username.indexOf(':');
        Endpoint e = colon <= 0 ? null : byUfrag.get(username.substring(0, colon));
        if (e == null || !m.verifyIntegrity(e.localPassword()) || (m.hasFingerprint() && !m.verifyFingerprint())) {
            unauthorized++;
            return;
        }
        m.copyTransactionId(tx, 0);
        int n = new StunWriter(out, 0, StunMessage.BINDING_SUCCESS, tx)
                .xorMappedAddress(from)
                .messageIntegrity(e.localPassword())
                .fingerprintAndFinish();
        sender.send(out, 0, n, from);
        answered++;
        e.checked(from, m.useCandidate());
    }

    public long malformed() {
        return malformed;
    }

    public long unauthorized() {
        return unauthorized;
    }

    public long answered() {
        return answered;
    }
}
