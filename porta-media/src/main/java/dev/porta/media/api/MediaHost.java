// SPDX-License-Identifier: Apache-2.0
package dev.porta.media.api;

/**
 * The media plane as the calling service sees it: the only way anything outside porta-media drives the
 * SFU. A participant gets a {@link MediaSession} when calling lets them into a meeting's media (never
 * while they wait in the lobby) and closes it when they leave.
 *
 * <p>Each participant uses two WebRTC peer connections over the one shared UDP port: a publish
 * connection (the browser offers what it sends, the SFU answers) and a subscribe connection (the SFU
 * offers what the participant receives, the browser answers). Renegotiation is therefore always started
 * by the side that adds tracks, which keeps offer/answer free of glare.
 */
public interface MediaHost {

    /**
     * Opens a media session for {@code participant} in {@code room}. Events for this participant reach
     * {@code listener}; the listener must not block (it is called on media threads).
     */
    MediaSession open(MediaRoomId room, MediaParticipantId participant, MediaListener listener);

    /** Participants with an open session on this node, across all rooms; for metrics and capacity. */
    int sessionCount();

    /**
     * Starts recording {@code room}: the media of its participants whose session allows it
     * ({@link MediaSession#setRecorded}) goes to {@code recorder} until {@link MediaRecording#stop}. A refused
     * start never calls {@code recorder}.
     *
     * @throws UnsupportedOperationException when this media plane cannot record
     * @throws IllegalStateException         when the room is already being recorded
     */
    default MediaRecording startRecording(MediaRoomId room, Recorder recorder) {
        throw new UnsupportedOperationException("this media plane does not record");
    }

    /**
     * Starts recording {@code room} with the recorder this media plane was configured with; what becomes of
     * it reaches {@code listener}.
     *
     * @throws UnsupportedOperationException when no recorder is configured
     * @throws IllegalStateException         when the room is already being recorded
     */
    default MediaRecording record(MediaRoomId room, RecordingListener listener) {
        throw new UnsupportedOperationException("this media plane does not record");
    }

    /**
     * Fresh TURN credentials for {@code participant}, whom calling has let into a meeting's media (never
     * one still in the lobby); null when no TURN relay is configured.
     */
    default IceServers iceServers(MediaParticipantId participant) {
        return null;
    }
}
