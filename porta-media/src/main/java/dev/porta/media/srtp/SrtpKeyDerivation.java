// SPDX-License-Identifier: Apache-2.0
package dev.porta.media.srtp;

import java.security.GeneralSecurityException;
import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;

/** The SRTP key derivation function (RFC 3711 §4.3) with key_derivation_rate 0, as WebRTC uses it. */
public final class SrtpKeyDerivation {
    public static final int LABEL_RTP_ENCRYPTION = 0;
    public static final int LABEL_RTP_AUTH = 1;
    public static final int LABEL_RTP_SALT = 2;
    public static final int LABEL_RTCP_ENCRYPTION = 3;
    public static final int LABEL_RTCP_AUTH = 4;
    public static final int LABEL_RTCP_SALT = 5;

    private SrtpKeyDerivation() { }

    /**
     * Derives {@code length} bytes for {@code label}. A 12-byte (GCM) master salt is right-padded with
     * zeros to the 14 bytes the AES-CM PRF expects, as RFC 7714 §11 and libsrtp do.
     */
    public static byte[] derive(byte[] masterKey, byte[] masterSalt, int label, int length) {
        byte[] iv = new byte[16];
        System.arraycopy(masterSalt, 0, iv, 0, Math.min(14, masterSalt.length));
        iv[7] ^= (byte) label; // key_id = label || r(48 bits, zero) XORed into the salt's low 56 bits
        return aesCmKeystream(masterKey, iv, length);
    }

    /** AES counter-mode keystream from a 16-byte initial counter block (low 16 bits as the block counter). */
    static byte[] aesCmKeystream(byte[] key, byte[] iv, int length) {
        try {
            Cipher ecb = Cipher.getInstance("AES/ECB/NoPadding");
            ecb.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"));
            int blocks = (length + 15) / 16;
            byte[] counters = new byte[blocks * 16];
            for (int j = 0; j < blocks; j++) {
                System.arraycopy(iv, 0, counters, j * 16, 16);
                int c = ((iv[14] & 0xFF) << 8 | (iv[15] & 0xFF)) + j;
                counters[j * 16 + 14] = (byte) (c >>> 8);
                counters[j * 16 + 15] = (byte) c;
            }
            byte[] out = ecb.doFinal(counters);
            return java.util.Arrays.copyOf(out, length);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES unavailable", e);
        }
    }
}
