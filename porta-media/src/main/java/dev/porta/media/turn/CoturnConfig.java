// SPDX-License-Identifier: Apache-2.0
package dev.porta.media.turn;

import java.util.List;

/**
 * The coturn ({@code turnserver.conf}) configuration that matches Porta's {@code turn.*} keys: the same
 * shared secret with {@code use-auth-secret}, so coturn accepts exactly the credentials Porta hands out
 * and refuses them once expired. {@code porta admin turn-config} prints it, and the tests run coturn with
 * it, so the documented file is the tested one.
 *
 * @param realm        the TURN realm (the public host name)
 * @param listeningIps addresses coturn listens on; empty: all
 * @param port         {@code turn:} port for UDP and TCP (3478)
 * @param tlsPort      {@code turns:} port (443 for guests behind firewalls that only let HTTPS out), or 0 for no TLS
 * @param certificate  PEM certificate chain for TLS (e.g. Let's Encrypt's fullchain.pem), or null
 * @param privateKey   PEM private key for TLS, or null
 * @param minPort      lowest relay port (open this range in the firewall, UDP)
 * @param maxPort      highest relay port
 * @param externalIps  {@code public/private} pairs behind a 1:1 NAT, else empty
 * @param allowedPeers addresses the relay may send to although private: Porta's media addresses
 */
public record CoturnConfig(String realm, List<String> listeningIps, int port, int tlsPort, String certificate,
                           String privateKey, int minPort, int maxPort, List<String> externalIps, List<String> allowedPeers) {

    /** Private, loopback and link-local ranges: a relay must not become a way into the host's own network. */
    private static final List<String> DENIED = List.of("0.0.0.0-0.255.255.255", "10.0.0.0-10.255.255.255",
            "100.64.0.0-100.127.255.255", "127.0.0.0-127.255.255.255", "169.254.0.0-169.254.255.255",
            "172.16.0.0-172.31.255.255", "192.168.0.0-192.168.255.255", "::1", "fc00::-fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
            "fe80::-febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff");

    /** The file's text, with {@code secret} as coturn's static-auth-secret. */
    public String render(String secret) {
        StringBuilder b = new StringBuilder();
        b.append("# coturn for Porta (porta admin turn-config). Porta's turn.shared-secret and this\n");
        b.append("# static-auth-secret must be the same value; keep this file readable by coturn only.\n");
        b.append("use-auth-secret\n");
        b.append("static-auth-secret=").append(secret).append('\n');
        b.append("realm=").append(realm).append('\n');
        for (String ip : listeningIps) {
            b.append("listening-ip=").append(ip).append('\n');
        }
        b.append("# turn: over UDP and TCP\n");
        b.append("listening-port=").append(port).append('\n');
        if (tlsPort > 0) {
            b.append("# turns: (TLS), for guests whose firewall lets only HTTPS out\n");
            b.append("tls-listening-port=").append(tlsPort).append('\n');
            b.append("cert=").append(certificate).append('\n');
            b.append("pkey=").append(privateKey).append('\n');
            b.append("no-tlsv1\nno-tlsv1_1\n");
        } else {
            b.append("no-tls\n");
        }
        b.append("no-dtls\n");
        b.append("# relay ports (UDP) to open in the firewall\n");
        b.append("min-port=").append(minPort).append('\n');
        b.append("max-port=").append(maxPort).append('\n');
        for (String e : externalIps) {
            b.append("external-ip=").append(e).append('\n');
        }
        b.append("fingerprint\n");
        b.append("no-cli\n");
        b.append("no-multicast-peers\n");
        b.append("# never relay into private networks, except to Porta's own media addresses\n");
        for (String d : DENIED) {
            b.append("denied-peer-ip=").append(d).append('\n');
        }
        for (String a : allowedPeers) {
            b.append("allowed-peer-ip=").append(a).append('\n');
        }
        b.append("# bounds: allocations per user and in all, bandwidth per session (bytes/s)\n");
        b.append("user-quota=12\n");
        b.append("total-quota=1200\n");
        b.append("max-bps=3000000\n");
        b.append("stale-nonce=600\n");
        return b.toString();
    }
}
