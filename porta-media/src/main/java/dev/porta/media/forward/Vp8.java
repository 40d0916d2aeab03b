// SPDX-License-Identifier: Apache-2.0
package dev.porta.media.forward;

/** Just enough of the VP8 (RFC 7741) and H.264 (RFC 6184) RTP payload formats to find keyframes. */
public final class Vp8 {
    private Vp8() { }

    /**
     * True if an H.264 RTP payload (RFC 6184) starts a keyframe: an IDR slice or SPS as a single NAL
     * unit, inside a STAP-A, or at the start of an FU-A.
     */
    public static boolean isH264KeyframeStart(byte[] b, int off, int len) {
        if (len < 1) {
            return false;
        }
        int type = b[off] & 0x1F;
        if (type == 5 || type == 7) {
            return true;
        }
        if (type == 24) {
            int p = off + 1;
            while (p + 3 <= off + len) {
                int size = ((b[p] & 0xFF) << 8) | (b[p + 1] & 0xFF);
                int nal = b[p + 2] & 0x1F;
                if (nal == 5 || nal == 7) {
                    return true;
                }
                p += 2 + size;
            }
            return false;
        }
        if (type == 28 && len >= 2) {
            int fu = b[off + 1] & 0xFF;
            int nal = fu & 0x1F;
            return (fu & 0x80) != 0 && (nal == 5 || nal == 7);
        }
        return false;
    }

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
