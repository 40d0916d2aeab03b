// SPDX-License-Identifier: Apache-2.0
package dev.porta.media.sdp;

import java.util.ArrayList;
import java.util.List;

/**
 * One of the SFU's own ICE candidates as written in SDP (RFC 8839 §5.1; RFC 6544 §4.5 for TCP).
 *
 * @param foundation     distinct per type, protocol and address
 * @param protocol       "udp" or "tcp"
 * @param priority       RFC 8445 §5.1.2 priority: every UDP candidate outranks every TCP one, so ICE-TCP
 *                       is used only when UDP does not get through
 * @param address        IP literal (IPv4 or IPv6)
 * @param type           "host", or "srflx" for a 1:1 NAT public address
 * @param relatedAddress the local address behind a srflx candidate, or null
 */
public record IceCandidate(int foundation, String protocol, long priority, String address, int port, String type,
                           String relatedAddress, int relatedPort) {

    /** Type preferences (RFC 8445 §5.1.2.1), UDP above TCP whatever the type. */
    private static final int UDP_HOST = 126;
    private static final int UDP_PUBLIC = 100;
    private static final int TCP_HOST = 80;
    private static final int TCP_PUBLIC = 60;

    /**
     * The SFU's candidates: a UDP host candidate per host address on {@code udpPort}, a srflx one per public
     * (1:1 NAT) address, and when {@code tcpPort > 0} the same again as passive TCP candidates.
     */
    public static List<IceCandidate> of(List<String> hostAddresses, List<String> publicAddresses, int udpPort, int tcpPort) {
        List<IceCandidate> l = new ArrayList<>();
        String base = hostAddresses.isEmpty() ? null : hostAddresses.getFirst().trim();
        add(l, "udp", UDP_HOST, hostAddresses, udpPort, "host", null);
        add(l, "udp", UDP_PUBLIC, publicAddresses, udpPort, "srflx", base);
        if (tcpPort > 0) {
            add(l, "tcp", TCP_HOST, hostAddresses, tcpPort, "host", null);
            add(l, "tcp", TCP_PUBLIC, publicAddresses, tcpPort, "srflx", base);
        }
        return List.copyOf(l);
    }

    private static void add(List<IceCandidate> l, String protocol, int typePreference, List<String> addresses, int port,
                            String type, String related) {
        for (int i = 0; i < addresses.size(); i++) {
            // local preference falls with the position: the first address is the most preferred
            long priority = ((long) typePreference << 24) + ((long) (65535 - i) << 8) + 255;
            if (protocol.equals("udp") && type.equals("host")) {
                priority = 2130706431L - i; // what the SFU always announced for its UDP host candidates
            }
            l.add(new IceCandidate(l.size() + 1, protocol, priority, addresses.get(i).trim(), port, type, related,
                    related == null ? 0 : port));
        }
    }

    /** The {@code a=candidate:} line, without its line end. */
    public String sdpLine() {
        StringBuilder b = new StringBuilder("a=candidate:").append(foundation).append(" 1 ").append(protocol).append(' ')
                .append(priority).append(' ').append(address).append(' ').append(port).append(" typ ").append(type);
        if (relatedAddress != null) {
            b.append(" raddr ").append(relatedAddress).append(" rport ").append(relatedPort);
        }
        if (protocol.equals("tcp")) {
            b.append(" tcptype passive"); // the SFU only accepts connections (RFC 6544 §4.5)
        }
        return b.toString();
    }
}
