// SPDX-License-Identifier: Apache-2.0
package dev.porta.media.forward;

/**
 * Just enough of the H.264 RTP payload format (RFC 6184, packetization modes 0 and 1) to find
 * keyframes. Reads only within {@code [off, off + len)}; anything malformed or truncated is "not a
 * keyframe", never an exception.
 */
public final class H264 {
    private static final int IDR_SLICE = 5;
    private static final int SPS = 7;
    private static final int STAP_A = 24;
    private static final int FU_A = 28;

    private H264() { }

    /**
     * True if an H.264 RTP payload starts a keyframe: an IDR slice or SPS as a single NAL unit, inside
     * a well-formed STAP-A, or at the start of an FU-A.
     */
    public static boolean isKeyframeStart(byte[] b, int off, int len) {
        if (len < 1) {
            return false;
        }
        int type = b[off] & 0x1F;
        if (type == IDR_SLICE || type == SPS) {
            return true;
        }
        if (type == STAP_A) {
            return stapAHasKeyframe(b, off, len);
        }
        if (type == FU_A && len >= 2) {
            int fu = b[off + 1] & 0xFF;
            int nal = fu & 0x1F;
            return (fu & 0x80) != 0 && (nal == IDR_SLICE || nal == SPS);
        }
        return false;
    }

    /**
     * STAP-A (RFC 6184 §5.7.1): after its one-byte header, units of a 16-bit size and a NAL unit of
     * that size. An empty unit or one that runs past the payload makes the whole packet malformed,
     * so a crafted size cannot make the type of some other byte count.
     */
    private static boolean stapAHasKeyframe(byte[] b, int off, int len) {
        int end = off + len;
        int p = off + 1;
        boolean keyframe = false;
        while (p < end) {
            if (p + 2 > end) {
                return false;
            }
            int size = ((b[p] & 0xFF) << 8) | (b[p + 1] & 0xFF);
            if (size == 0 || size > end - p - 2) {
                return false;
            }
            int nal = b[p + 2] & 0x1F;
            keyframe |= nal == IDR_SLICE || nal == SPS;
            p += 2 + size;
        }
        return keyframe;
    }
}
