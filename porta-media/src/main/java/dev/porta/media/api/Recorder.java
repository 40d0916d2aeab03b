// SPDX-License-Identifier: Apache-2.0
package dev.porta.media.api;

/**
 * Where the SFU hands a recorded room's media: the decrypted RTP of every participant whose media may be
 * recorded ({@link MediaSession#setRecorded}). The SFU copies each packet into a bounded queue on the media
 * thread and never waits: when the queue is full the packet is dropped and counted
 * ({@link MediaRecording#dropped}). This recorder is called on a thread of its own, one call at a time, so
 * a slow or failing recorder never disturbs forwarding.
 */
public interface Recorder {

    /** One packet of a recorded track. */
    void packet(RecordedPacket packet);

    /**
     * The recording stopped (or the room closed); called once, after the last {@link #packet}. The
     * recorder writes out and composes here.
     */
    void finish();
}
