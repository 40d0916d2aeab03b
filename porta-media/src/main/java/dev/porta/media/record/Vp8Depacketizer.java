// SPDX-License-Identifier: Apache-2.0
package dev.porta.media.record;

import dev.porta.media.forward.Vp8;
import java.io.ByteArrayOutputStream;

/**
 * Joins VP8 RTP payloads (RFC 7741) back into frames: strips each payload descriptor, starts a frame at
 * a packet with S=1 and partition 0, ends it at the marker bit. A frame with a missing packet (a gap in
 * sequence numbers, or a new timestamp before the marker) is dropped whole, so the writer never gets a
 * torn frame; the decoder then waits for the next keyframe on its own terms. Bounded: a frame larger than
 * {@link #MAX_FRAME} is dropped.
 */
public final class Vp8Depacketizer {
    static final int MAX_FRAME = 4 * 1024 * 1024;
    private final ByteArrayOutputStream frame = new ByteArrayOutputStream();
    private boolean inFrame;
    private long timestamp = -1;
    private int nextSequence = -1;
    private long dropped;

    /** A complete frame and its RTP timestamp. */
    public record Frame(byte[] data, long rtpTimestamp) { }

    /** Adds one packet's payload; returns the frame it completed, or null. */
    public Frame packet(byte[] payload, int sequence, long rtpTimestamp, boolean marker) {
        int d = Vp8.descriptorLength(payload, 0, payload.length);
        boolean gap = nextSequence >= 0 && sequence != nextSequence;
        nextSequence = (sequence + 1) & 0xFFFF;
        if (d < 0 || d >= payload.length) {
            abandon();
            return null;
        }
        boolean start = (payload[0] & 0x10) != 0 && (payload[0] & 0x07) == 0;
        if (start) {
            if (inFrame) {
                abandon(); // the previous frame never saw its marker
            }
            frame.reset();
            inFrame = true;
            timestamp = rtpTimestamp;
        } else if (!inFrame || gap || rtpTimestamp != timestamp) {
            abandon();
            return null;
        }
        if (frame.size() + payload.length - d > MAX_FRAME) {
            abandon();
            return null;
        }
        frame.write(payload, d, payload.length - d);
        if (!marker) {
            return null;
        }
        inFrame = false;
        return new Frame(frame.toByteArray(), timestamp);
    }

    /** Frames dropped because a packet was missing or malformed. */
    public long dropped() {
        return dropped;
    }

    private void abandon() {
        if (inFrame) {
            dropped++;
        }
        inFrame = false;
        frame.reset();
    }
}
