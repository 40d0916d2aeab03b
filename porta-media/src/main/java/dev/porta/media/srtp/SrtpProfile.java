// SPDX-License-Identifier: Apache-2.0
package dev.porta.media.srtp;

/** The SRTP protection profiles Porta negotiates in DTLS use_srtp (RFC 5764, RFC 7714), best first. */
public enum SrtpProfile {
    AEAD_AES_128_GCM(0x0007, 16, 12, 16),
    AES_CM_128_HMAC_SHA1_80(0x0001, 16, 14, 10);

    private final int id;
    private final int keyLength;
    private final int saltLength;
    private final int tagLength;

    SrtpProfile(int id, int keyLength, int saltLength, int tagLength) {
        this.id = id;
        this.keyLength = keyLength;
        this.saltLength = saltLength;
        this.tagLength = tagLength;
    }

    /** The profile's value in the DTLS use_srtp extension. */
    public int id() {
        return id;
    }

    public int keyLength() {
        return keyLength;
    }

    public int saltLength() {
        return saltLength;
    }

    /** Bytes SRTP adds to each RTP packet. */
    public int tagLength() {
        return tagLength;
    }

    public boolean isGcm() {
        return this == AEAD_AES_128_GCM;
    }

    public static SrtpProfile byId(int id) {
        for (SrtpProfile p : values()) {
            if (p.id == id) {
                return p;
            }
        }
        return null;
    }
}
