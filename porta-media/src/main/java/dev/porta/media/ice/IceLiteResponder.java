// SPDX-License-Identifier: Apache-2.0
package dev.porta.media.ice;

import dev.porta.media.stun.StunMessage;
import dev.porta.media.stun.StunWriter;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;

/**
 * The ICE-lite side of connectivity checks (RFC 8445 §2.5, §7.3): answers Binding Requests whose
 * USERNAME starts with a known local ufrag, whose MESSAGE-INTEGRITY verifies with that ufrag's
 * password and that end in a valid FINGERPRINT; tells the endpoint about every new valid check
 * (consent) and about nomination. A check whose transaction id was already seen is never passed on
 * (see {@link RecentTransactions}): a replayed copy of a browser's nominating check, sent from
 * another address, must not divert media. Everything else is dropped and counted. Used only on the
 * media thread.
 */
public final class IceLiteResponder {
    /** One ICE agent's local credentials and what it hears. */
    public interface Endpoint {
        byte[] localPassword();

        /**
         * A new valid check (a transaction id not seen before on these credentials) arrived from
         * {@code from} on link {@code via}; {@code nominated} when it carried USE-CANDIDATE before MESSAGE-INTEGRITY.
         */
        void checked(InetSocketAddress from, Link via, boolean nominated);
    }

    /** One set of local credentials: who owns them and the checks made with them so far. */
    private record Registration(Endpoint endpoint, RecentTransactions recent) { }

    private final Map<String, Registration> byUfrag = new HashMap<>();
    private final byte[] out = new byte[512];
    private final byte[] tx = new byte[12];
    private long malformed;
    private long unauthorized;
    private long answered;
    private long replayed;

    public void register(String localUfrag, Endpoint endpoint) {
        byUfrag.put(localUfrag, new Registration(endpoint, new RecentTransactions()));
    }

    public void unregister(String localUfrag) {
        byUfrag.remove(localUfrag);
    }

    /**
     * Answers one STUN message; true when it was a valid check (new or a retransmission), which is what
     * lets an ICE-TCP connection past its handshake.
     */
    public boolean handle(byte[] b, int off, int len, InetSocketAddress from, Link via) {
        StunMessage m = StunMessage.parse(b, off, len);
        if (m == null) {
            malformed++;
            return false;
        }
        if (m.type() != StunMessage.BINDING_REQUEST) {
            // indications and responses need no answer from an ICE-lite agent
            return false;
        }
        String username = m.username();
        int colon = username == null ? -1 : username.indexOf(':');
        Registration r = colon <= 0 ? null : byUfrag.get(username.substring(0, colon));
        // FINGERPRINT is required: every browser sends it, and RFC 8445 §7.2.2 has ICE agents include it
        if (r == null || !m.hasFingerprint() || !m.verifyFingerprint() || !m.verifyIntegrity(r.endpoint.localPassword())) {
            unauthorized++;
            return false;
        }
        m.copyTransactionId(tx, 0);
        RecentTransactions.Seen seen = r.recent.check(tx, from);
        if (seen == RecentTransactions.Seen.REPLAY) {
            replayed++; // not answered either: the SFU would otherwise send to wherever the copy came from
            return false;
        }
        Endpoint e = r.endpoint;
        int n = new StunWriter(out, 0, StunMessage.BINDING_SUCCESS, tx)
                .xorMappedAddress(from)
                .messageIntegrity(e.localPassword())
                .fingerprintAndFinish();
        via.send(out, 0, n, from);
        answered++;
        if (seen == RecentTransactions.Seen.NEW) {
            e.checked(from, via, m.useCandidate());
        }
        return true;
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

    /** Valid checks whose transaction id had already come from another address: replays, dropped. */
    public long replayed() {
        return replayed;
    }
}
