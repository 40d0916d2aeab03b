// SPDX-License-Identifier: Apache-2.0
package dev.porta.loadtest.bench;

import dev.porta.media.rtp.RtpHeaderWriter;
import dev.porta.media.srtp.SrtpContext;
import dev.porta.media.srtp.SrtpProfile;
import java.util.Random;

/** Fixed inputs for the microbenchmarks: keys, and a video-sized RTP packet with mid and rid extensions. */
final class Packets {
    static final int PAYLOAD = 1100;

    private Packets() { }

    static SrtpContext context(SrtpProfile profile, long seed) {
        Random r = new Random(seed);
        byte[] key = new byte[profile.keyLength()];
        byte[] salt = new byte[profile.saltLength()];
        r.nextBytes(key);
        r.nextBytes(salt);
        return new SrtpContext(profile, key, salt);
    }

    /** Writes a browser-shaped VP8 packet (header with mid + rid one-byte extensions) into {@code b}; returns the header length. */
    static int videoPacket(byte[] b, int seq) {
        b[0] = (byte) 0x90;
        b[1] = 96;
        dev.porta.media.util.Bytes.put16(b, 2, seq & 0xFFFF);
        dev.porta.media.util.Bytes.put32(b, 4, 90_000L * seq / 30);
        dev.porta.media.util.Bytes.put32(b, 8, 0x11223344L);
        dev.porta.media.util.Bytes.put16(b, 12, 0xBEDE);
        dev.porta.media.util.Bytes.put16(b, 14, 1);
        b[16] = 0x40;
        b[17] = '1';
        b[18] = (byte) 0xA0;
        b[19] = 'f';
        for (int i = 20; i < 20 + PAYLOAD; i++) {
            b[i] = (byte) i;
        }
        return 20;
    }

    /** The header the SFU writes for a subscriber: new SSRC, sequence and timestamp, its own transport-cc extension. */
    static int rewrittenHeader(byte[] out, int seq, long ts, long ssrc, int tccSeq) {
        return RtpHeaderWriter.write(out, 0, false, 96, seq, ts, ssrc, 3, tccSeq, 0, -1);
    }
}
