// SPDX-License-Identifier: Apache-2.0
package dev.porta.media.srtp;

import dev.porta.media.util.Bytes;
import java.security.GeneralSecurityException;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * One direction of SRTP and SRTCP (RFC 3711, RFC 7714) for one transport: session keys, per-SSRC
 * rollover counters and replay windows. Works in place on the caller's buffer; the buffer needs room
 * for the tag (and SRTCP's four-byte index) on protect. Not thread-safe: one media thread owns it.
 *
 * <p>Per-SSRC state is never forgotten while the context lives. Forgetting a stream we send would
 * reset its rollover counter and its memory of used indices, so a live stream would encrypt an index
 * (ROC, sequence) a second time: key-stream reuse with AES-CM, nonce reuse with GCM. Forgetting a
 * stream we receive would reset its replay window. So both tables are bounded by refusing new SSRCs
 * ({@link #STREAM_LIMIT}) past a size no real session reaches, and a received stream gets state only
 * once a packet on it authenticates: forged packets cannot fill the table.
 */
public final class SrtpContext {
    /** unprotect results below zero. */
    public static final int AUTH_FAILED = -1;
    public static final int REPLAYED = -2;
    public static final int MALFORMED = -3;
    /** The SSRC is new and the context already holds state for as many streams as it may. */
    public static final int STREAM_LIMIT = -4;

    /**
     * Streams one context may send. A subscriber's context sends one SSRC per forwarded audio track and
     * two (media, RTX) per video track: a 1,000-participant meeting in which everyone sends audio and
     * camera needs about 3,000; the rest is room for publishers leaving and joining over a long meeting.
     */
    static final int MAX_SENT_STREAMS = 8192;
    /**
     * Streams one context may receive: a publisher's own SSRCs (at most three simulcast layers and
     * their RTX per track) and the RTCP sender SSRCs of a subscriber's receivers.
     */
    static final int MAX_RECEIVED_STREAMS = 1024;

    private final SrtpProfile profile;
    private final SecretKeySpec rtpKey;
    private final byte[] rtpSalt;
    private final SecretKeySpec rtcpKey;
    private final byte[] rtcpSalt;
    private final Mac rtpMac;
    private final Mac rtcpMac;
    private final Cipher ecbRtp;
    private final Cipher ecbRtcp;
    private final Cipher gcm;
    private final byte[] counters = new byte[16 * 128];
    private final byte[] keystream = new byte[16 * 128];
    private final byte[] iv = new byte[16];
    private final byte[] tag = new byte[20];
    private final StreamTable<SentStream> sent;
    private final StreamTable<ReceivedStream> received;
    private long srtcpIndex;

    /** A stream we protect: its rollover counter and the indices already used. */
    private static final class SentStream {
        long roc;
        int highestSeq = -1;
        /** Indices already protected: a packet index must never be encrypted twice (same key stream / GCM nonce). */
        final ReplayWindow rtpSent = new ReplayWindow();
    }

    /** A stream we unprotect: its rollover counter and the replay windows of RTP and RTCP. */
    private static final class ReceivedStream {
        long roc;
        int highestSeq = -1;
        final ReplayWindow rtpReplay = new ReplayWindow();
        final ReplayWindow rtcpReplay = new ReplayWindow();
    }

    public SrtpContext(SrtpProfile profile, byte[] masterKey, byte[] masterSalt) {
        this(profile, masterKey, masterSalt, MAX_SENT_STREAMS, MAX_RECEIVED_STREAMS);
    }

    /** With other stream limits, for tests of what happens at the limit. */
    SrtpContext(SrtpProfile profile, byte[] masterKey, byte[] masterSalt, int maxSent, int maxReceived) {
        this.sent = new StreamTable<>(maxSent);
        this.received = new StreamTable<>(maxReceived);
        this.profile = profile;
        this.rtpKey = new SecretKeySpec(SrtpKeyDerivation.derive(masterKey, masterSalt,
                SrtpKeyDerivation.LABEL_RTP_ENCRYPTION, profile.keyLength()), "AES");
        this.rtpSalt = SrtpKeyDerivation.derive(masterKey, masterSalt, SrtpKeyDerivation.LABEL_RTP_SALT,
                profile.saltLength());
        this.rtcpKey = new SecretKeySpec(SrtpKeyDerivation.derive(masterKey, masterSalt,
                SrtpKeyDerivation.LABEL_RTCP_ENCRYPTION, profile.keyLength()), "AES");
        this.rtcpSalt = SrtpKeyDerivation.derive(masterKey, masterSalt, SrtpKeyDerivation.LABEL_RTCP_SALT,
                profile.saltLength());
        try {
            if (profile.isGcm()) {
                rtpMac = null;
                rtcpMac = null;
                ecbRtp = null;
                ecbRtcp = null;
                gcm = Cipher.getInstance("AES/GCM/NoPadding");
            } else {
                rtpMac = Mac.getInstance("HmacSHA1");
                rtpMac.init(new SecretKeySpec(SrtpKeyDerivation.derive(masterKey, masterSalt,
                        SrtpKeyDerivation.LABEL_RTP_AUTH, 20), "HmacSHA1"));
                rtcpMac = Mac.getInstance("HmacSHA1");
                rtcpMac.init(new SecretKeySpec(SrtpKeyDerivation.derive(masterKey, masterSalt,
                        SrtpKeyDerivation.LABEL_RTCP_AUTH, 20), "HmacSHA1"));
                // key schedules are computed once; ECB without padding stays usable after doFinal
                ecbRtp = Cipher.getInstance("AES/ECB/NoPadding");
                ecbRtp.init(Cipher.ENCRYPT_MODE, rtpKey);
                ecbRtcp = Cipher.getInstance("AES/ECB/NoPadding");
                ecbRtcp.init(Cipher.ENCRYPT_MODE, rtcpKey);
                gcm = null;
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("JCE lacks AES or HmacSHA1", e);
        }
    }

    /** For tests with RFC 7714 vectors, which give session keys directly. */
    static SrtpContext withSessionKeys(SrtpProfile profile, byte[] key, byte[] salt) {
        SrtpContext c = new SrtpContext(profile, key, salt);
        return new SrtpContext(c, key, salt);
    }

    private SrtpContext(SrtpContext template, byte[] key, byte[] salt) {
        this.sent = new StreamTable<>(MAX_SENT_STREAMS);
        this.received = new StreamTable<>(MAX_RECEIVED_STREAMS);
        this.profile = template.profile;
        this.rtpKey = new SecretKeySpec(key, "AES");
        this.rtpSalt = salt.clone();
        this.rtcpKey = new SecretKeySpec(key, "AES");
        this.rtcpSalt = salt.clone();
        this.rtpMac = template.rtpMac;
        this.rtcpMac = template.rtcpMac;
        this.ecbRtp = template.ecbRtp;
        this.ecbRtcp = template.ecbRtcp;
        this.gcm = template.gcm;
    }

    public SrtpProfile profile() {
        return profile;
    }

    /**
     * Encrypts and authenticates an RTP packet in place; returns the new length, or {@link #REPLAYED}
     * (the buffer untouched) when this SSRC and sequence number were protected before or are more than
     * 63 packets older than the newest. RFC 3711 §3.3.1 and RFC 7714 §8 forbid reusing an index: with
     * AES-CM it repeats the key stream, with GCM the nonce, which leaks plaintext and lets a receiver
     * forge packets. A forwarder that sends a duplicate (a publisher's retransmission of a packet it
     * already had) must be stopped here, whatever the caller got wrong. Returns {@link #STREAM_LIMIT}
     * (the buffer untouched) for a new SSRC when the context sends as many streams as it may.
     */
    public int protectRtp(byte[] b, int off, int len, int headerLen) {
        long ssrc = Bytes.u32(b, off + 8);
        int seq = Bytes.u16(b, off + 2);
        SentStream s = sent.get(ssrc);
        if (s == null) {
            if (sent.isFull()) {
                return STREAM_LIMIT;
            }
            s = new SentStream();
            sent.add(ssrc, s);
        }
        // the index this sequence number belongs to, guessed as the receiver will (RFC 3711 §3.3.1):
        // a late packet from before a wrap keeps the old rollover counter instead of taking a new index
        long roc = estimateRoc(s.roc, s.highestSeq, seq);
        if (roc < 0) {
            return REPLAYED; // older than the stream's first packet: it has no index
        }
        long index = (roc << 16) | seq;
        if (s.rtpSent.isReplay(index)) {
            return REPLAYED;
        }
        s.rtpSent.accept(index);
        if (s.highestSeq < 0 || roc > s.roc || (roc == s.roc && seq > s.highestSeq)) {
            s.roc = roc;
            s.highestSeq = seq;
        }
        try {
            if (profile.isGcm()) {
                gcmIv(rtpSalt, ssrc, roc, seq);
                gcm.init(Cipher.ENCRYPT_MODE, rtpKey, new GCMParameterSpec(128, iv, 0, 12));
                gcm.updateAAD(b, off, headerLen);
                int n = gcm.doFinal(b, off + headerLen, len - headerLen, b, off + headerLen);
                return headerLen + n;
            }
            ctrIv(rtpSalt, ssrc, (roc << 16) | seq);
            xorKeystream(ecbRtp, b, off + headerLen, len - headerLen);
            rtpMac.update(b, off, len);
            rtpMac.update((byte) (roc >>> 24));
            rtpMac.update((byte) (roc >>> 16));
            rtpMac.update((byte) (roc >>> 8));
            rtpMac.update((byte) roc);
            rtpMac.doFinal(tag, 0);
            System.arraycopy(tag, 0, b, off + len, 10);
            return len + 10;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Verifies and decrypts an SRTP packet in place.
     *
     * @return the plaintext length, or {@link #AUTH_FAILED}, {@link #REPLAYED}, {@link #MALFORMED} or
     *         {@link #STREAM_LIMIT}
     */
    public int unprotectRtp(byte[] b, int off, int len, int headerLen) {
        int tagLen = profile.tagLength();
        if (len < headerLen + tagLen || headerLen < 12) {
            return MALFORMED;
        }
        long ssrc = Bytes.u32(b, off + 8);
        int seq = Bytes.u16(b, off + 2);
        ReceivedStream s = received.get(ssrc);
        if (s == null && received.isFull()) {
            return STREAM_LIMIT;
        }
        long v = s == null ? 0 : estimateRoc(s.roc, s.highestSeq, seq);
        if (v < 0) {
            return REPLAYED;
        }
        long index = (v << 16) | seq;
        if (s != null && s.rtpReplay.isReplay(index)) {
            return REPLAYED;
        }
        int plainLen;
        try {
            if (profile.isGcm()) {
                gcmIv(rtpSalt, ssrc, v, seq);
                gcm.init(Cipher.DECRYPT_MODE, rtpKey, new GCMParameterSpec(128, iv, 0, 12));
                gcm.updateAAD(b, off, headerLen);
                plainLen = headerLen + gcm.doFinal(b, off + headerLen, len - headerLen, b, off + headerLen);
            } else {
                int authed = len - 10;
                rtpMac.update(b, off, authed);
                rtpMac.update((byte) (v >>> 24));
                rtpMac.update((byte) (v >>> 16));
                rtpMac.update((byte) (v >>> 8));
                rtpMac.update((byte) v);
                rtpMac.doFinal(tag, 0);
                if (!constantTimeEquals(tag, b, off + authed, 10)) {
                    return AUTH_FAILED;
                }
                ctrIv(rtpSalt, ssrc, index);
                xorKeystream(ecbRtp, b, off + headerLen, authed - headerLen);
                plainLen = authed;
            }
        } catch (javax.crypto.AEADBadTagException e) {
            return AUTH_FAILED;
        } catch (GeneralSecurityException e) {
            return MALFORMED;
        }
        if (s == null) {
            s = new ReceivedStream(); // only now: a packet that fails authentication must leave no trace
            received.add(ssrc, s);
        }
        s.rtpReplay.accept(index);
        if (v > s.roc) {
            s.roc = v;
            s.highestSeq = seq;
        } else if (v == s.roc && (s.highestSeq < 0 || seq > s.highestSeq)) {
            s.highestSeq = seq;
        }
        return plainLen;
    }

    /** RFC 3711 §3.3.1: the rollover counter of {@code seq} given the highest sequence number so far. */
    private static long estimateRoc(long roc, int highestSeq, int seq) {
        if (highestSeq < 0) {
            return roc;
        }
        if (highestSeq < 0x8000) {
            return seq - highestSeq > 0x8000 ? roc - 1 : roc;
        }
        return highestSeq - 0x8000 > seq ? roc + 1 : roc;
    }

    /** Encrypts and authenticates a compound RTCP packet in place; returns the new length. */
    public int protectRtcp(byte[] b, int off, int len) {
        long ssrc = Bytes.u32(b, off + 4);
        long index = srtcpIndex;
        srtcpIndex = (srtcpIndex + 1) & 0x7FFFFFFF;
        try {
            if (profile.isGcm()) {
                gcmRtcpIv(ssrc, index);
                gcm.init(Cipher.ENCRYPT_MODE, rtcpKey, new GCMParameterSpec(128, iv, 0, 12));
                gcm.updateAAD(b, off, 8);
                byte[] eIndex = {(byte) (0x80 | (index >>> 24)), (byte) (index >>> 16), (byte) (index >>> 8), (byte) index};
                gcm.updateAAD(eIndex);
                int n = gcm.doFinal(b, off + 8, len - 8, b, off + 8);
                System.arraycopy(eIndex, 0, b, off + 8 + n, 4);
                return 8 + n + 4;
            }
            ctrIv(rtcpSalt, ssrc, index);
            xorKeystream(ecbRtcp, b, off + 8, len - 8);
            Bytes.put32(b, off + len, 0x80000000L | index);
            rtcpMac.update(b, off, len + 4);
            rtcpMac.doFinal(tag, 0);
            System.arraycopy(tag, 0, b, off + len + 4, 10);
            return len + 14;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Verifies and decrypts SRTCP in place; returns the plaintext length or a negative error. */
    public int unprotectRtcp(byte[] b, int off, int len) {
        int tagLen = profile.tagLength();
        if (len < 8 + 4 + tagLen) {
            return MALFORMED;
        }
        long ssrc = Bytes.u32(b, off + 4);
        int indexAt = profile.isGcm() ? off + len - 4 : off + len - tagLen - 4;
        long eIndex = Bytes.u32(b, indexAt);
        long index = eIndex & 0x7FFFFFFF;
        boolean encrypted = (eIndex & 0x80000000L) != 0;
        ReceivedStream s = received.get(ssrc);
        if (s == null && received.isFull()) {
            return STREAM_LIMIT;
        }
        if (s != null && s.rtcpReplay.isReplay(index)) {
            return REPLAYED;
        }
        int plainLen;
        try {
            if (profile.isGcm()) {
                gcmRtcpIv(ssrc, index);
                gcm.init(Cipher.DECRYPT_MODE, rtcpKey, new GCMParameterSpec(128, iv, 0, 12));
                if (encrypted) {
                    gcm.updateAAD(b, off, 8);
                    gcm.updateAAD(b, indexAt, 4);
                    plainLen = 8 + gcm.doFinal(b, off + 8, indexAt - off - 8, b, off + 8);
                } else {
                    // unencrypted SRTCP: everything is associated data, the tag stands alone
                    gcm.updateAAD(b, off, indexAt - off - tagLen);
                    gcm.updateAAD(b, indexAt, 4);
                    gcm.doFinal(b, indexAt - tagLen, tagLen, tag, 0);
                    plainLen = indexAt - off - tagLen;
                }
            } else {
                rtcpMac.update(b, off, indexAt + 4 - off);
                rtcpMac.doFinal(tag, 0);
                if (!constantTimeEquals(tag, b, indexAt + 4, 10)) {
                    return AUTH_FAILED;
                }
                plainLen = indexAt - off;
                if (encrypted) {
                    ctrIv(rtcpSalt, ssrc, index);
                    xorKeystream(ecbRtcp, b, off + 8, plainLen - 8);
                }
            }
        } catch (javax.crypto.AEADBadTagException e) {
            return AUTH_FAILED;
        } catch (GeneralSecurityException e) {
            return MALFORMED;
        }
        if (s == null) {
            s = new ReceivedStream();
            received.add(ssrc, s);
        }
        s.rtcpReplay.accept(index);
        return plainLen;
    }

    private void gcmIv(byte[] salt, long ssrc, long roc, int seq) {
        iv[0] = 0;
        iv[1] = 0;
        Bytes.put32(iv, 2, ssrc);
        Bytes.put32(iv, 6, roc);
        Bytes.put16(iv, 10, seq);
        for (int i = 0; i < 12; i++) {
            iv[i] ^= salt[i];
        }
    }

    private void gcmRtcpIv(long ssrc, long index) {
        iv[0] = 0;
        iv[1] = 0;
        Bytes.put32(iv, 2, ssrc);
        iv[6] = 0;
        iv[7] = 0;
        Bytes.put32(iv, 8, index & 0x7FFFFFFF);
        for (int i = 0; i < 12; i++) {
            iv[i] ^= rtcpSalt[i];
        }
    }

    /** IV = (salt * 2^16) XOR (SSRC * 2^64) XOR (index * 2^16), RFC 3711 §4.1.1. */
    private void ctrIv(byte[] salt, long ssrc, long index) {
        System.arraycopy(salt, 0, iv, 0, 14);
        iv[14] = 0;
        iv[15] = 0;
        iv[4] ^= (byte) (ssrc >>> 24);
        iv[5] ^= (byte) (ssrc >>> 16);
        iv[6] ^= (byte) (ssrc >>> 8);
        iv[7] ^= (byte) ssrc;
        for (int i = 0; i < 6; i++) {
            iv[13 - i] ^= (byte) (index >>> (8 * i));
        }
    }

    private void xorKeystream(Cipher ecb, byte[] b, int at, int n) throws GeneralSecurityException {
        if (n <= 0) {
            return;
        }
        int blocks = (n + 15) / 16;
        if (blocks > 128) {
            throw new GeneralSecurityException("packet too large");
        }
        int base = (iv[14] & 0xFF) << 8 | (iv[15] & 0xFF);
        for (int j = 0; j < blocks; j++) {
            System.arraycopy(iv, 0, counters, j * 16, 14);
            int c = base + j;
            counters[j * 16 + 14] = (byte) (c >>> 8);
            counters[j * 16 + 15] = (byte) c;
        }
        ecb.doFinal(counters, 0, blocks * 16, keystream, 0);
        for (int i = 0; i < n; i++) {
            b[at + i] ^= keystream[i];
        }
    }

    private static boolean constantTimeEquals(byte[] expect, byte[] b, int at, int n) {
        int d = 0;
        for (int i = 0; i < n; i++) {
            d |= expect[i] ^ b[at + i];
        }
        return d == 0;
    }

    /** Exposed for the RFC 3711 B.2 keystream test. */
    static byte[] keystreamForTest(byte[] sessionKey, byte[] sessionSalt, long ssrc, long index, int n) {
        SrtpContext c = new SrtpContext(SrtpProfile.AES_CM_128_HMAC_SHA1_80, sessionKey, sessionSalt);
        byte[] out = new byte[n];
        c.ctrIv(sessionSalt, ssrc, index);
        try {
            Cipher ecb = Cipher.getInstance("AES/ECB/NoPadding");
            ecb.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(sessionKey, "AES"));
            c.xorKeystream(ecb, out, 0, n);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }
}
