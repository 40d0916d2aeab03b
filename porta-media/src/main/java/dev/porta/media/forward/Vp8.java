// SPDX-License-Identifier: Apache-2.0
package dev.porta.media.forward;

/** Just enough of the VP8 RTP payload format (RFC 7741) to find keyframes. */
public final class Vp8 {
    private Vp8() { }

    /** True if the payload starts a VP8 keyframe (S=1, PID=0, and the frame header's P bit clear). */
    public static boolean isKeyframeStart(byte[] b, int off, int len) {
        if (len < 1) {
            return false;
        }
        int d = b[off] & 0xFF;
        if ((d & 0x10) == 0 || (d & 0x07) != 0) {
            return false;
        }
        int p = off + 1;
        if ((d & 0x80) != 0) {
            if (p >= off + len) {
                return false;
            }
            int x = b[p++] & 0xFF;
            if ((x & 0x80) != 0) {
                if (p >= off + len) {
                    return false;
                }
                p += (b[p] & 0x80) != 0 ? 2 : 1;
            }
            if ((x & 0x40) != 0) {
                p++;
            }
            if ((x & 0x30) != 0) {
                p++;
            }
        }
        return p < off + len && (b[p] & 0x01) == 0;
    }
}
