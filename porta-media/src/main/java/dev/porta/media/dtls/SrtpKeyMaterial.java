// SPDX-License-Identifier: Apache-2.0
package dev.porta.media.dtls;

import dev.porta.media.srtp.SrtpContext;
import dev.porta.media.srtp.SrtpProfile;
import java.util.Arrays;

/**
 * Keys exported from a finished DTLS handshake (RFC 5764 §4.2): the layout is client key, server key,
 * client salt, server salt; which half is "local" depends on the DTLS role.
 */
public record SrtpKeyMaterial(SrtpProfile profile, byte[] localKey, byte[] localSalt, byte[] remoteKey,
                              byte[] remoteSalt) {

    static SrtpKeyMaterial fromExporter(SrtpProfile p, byte[] m, boolean isServer) {
        int k = p.keyLength();
        int s = p.saltLength();
        byte[] clientKey = Arrays.copyOfRange(m, 0, k);
        byte[] serverKey = Arrays.copyOfRange(m, k, 2 * k);
        byte[] clientSalt = Arrays.copyOfRange(m, 2 * k, 2 * k + s);
        byte[] serverSalt = Arrays.copyOfRange(m, 2 * k + s, 2 * k + 2 * s);
        return isServer ? new SrtpKeyMaterial(p, serverKey, serverSalt, clientKey, clientSalt)
                : new SrtpKeyMaterial(p, clientKey, clientSalt, serverKey, serverSalt);
    }

    /** Context that protects what this side sends. */
    public SrtpContext outbound() {
        return new SrtpContext(profile, localKey, localSalt);
    }

    /** Context that unprotects what the peer sends. */
    public SrtpContext inbound() {
        return new SrtpContext(profile, remoteKey, remoteSalt);
    }
}
