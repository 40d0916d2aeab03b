// SPDX-License-Identifier: Apache-2.0
package dev.porta.media.forward;

/**
 * Just enough of the VP8 RTP payload format (RFC 7741) and the VP8 frame header (RFC 6386 §9.1) to
 * find keyframes and their height. Reads only within {@code [off, off + len)}; anything malformed or
 * truncated is "not a keyframe" or "height unknown", never an exception.
 */
public final class Vp8 {
    private Vp8() { }

    /**
     * Length of the payload descriptor (RFC 7741 §4.2) at the start of the payload, or -1 when the
     * payload is too short to hold it.
     */
    public static int descriptorLength(byte[] b, int off, int len) {
        if (len < 1) {
            return -1;
        }
        int n = 1;
        if ((b[off] & 0x80) != 0) { // X: an extension byte follows
            if (len < 2) {
                return -1;
            }
            int x = b[off + 1] & 0xFF;
            n = 2;
            if ((x & 0x80) != 0) { // I: PictureID, 7 bits, or 15 when its first bit (M) is set
                if (len < n + 1) {
                    return -1;
                }
                n += (b[off + n] & 0x80) != 0 ? 2 : 1;
            }
            if ((x & 0x40) != 0) { // L: TL0PICIDX
                n++;
            }
            if ((x & 0x30) != 0) { // T or K: one byte holds TID, Y and KEYIDX
                n++;
            }
        }
        return n <= len ? n : -1;
    }

    /** True if the payload starts a VP8 keyframe (S=1, PID=0, and the frame header's P bit clear). */
    public static boolean isKeyframeStart(byte[] b, int off, int len) {
        int n = descriptorLength(b, off, len);
        if (n < 0 || n >= len) {
            return false;
        }
        int d = b[off] & 0xFF;
        return (d & 0x10) != 0 && (d & 0x07) == 0 && (b[off + n] & 0x01) == 0;
    }

    /**
     * Height from a VP8 keyframe header (RFC 6386 §9.1: three bytes of frame tag, the start code
     * 9d 01 2a, then 14-bit width and height), after the payload descriptor; 0 if unreadable.
     */
    public static int keyframeHeight(byte[] b, int off, int len) {
        int n = descriptorLength(b, off, len);
        if (n < 0 || n + 10 > len) {
            return 0;
        }
        int p = off + n;
        if ((b[p + 3] & 0xFF) != 0x9d || (b[p + 4] & 0xFF) != 0x01 || (b[p + 5] & 0xFF) != 0x2a) {
            return 0;
        }
        return ((b[p + 9] & 0x3F) << 8) | (b[p + 8] & 0xFF);
    }
}
