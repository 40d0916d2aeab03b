// SPDX-License-Identifier: Apache-2.0
package dev.porta.media.api;

/**
 * One decrypted RTP packet of a recorded track, copied off the media thread's buffers.
 *
 * @param codec          {@code opus}, {@code vp8} or {@code h264}, from the publish negotiation
 * @param ssrc           the stream (a track keeps one while it is recorded)
 * @param receivedMillis when the SFU received it (the media loop's clock), to line tracks up in time
 */
public record RecordedPacket(MediaParticipantId participant, TrackSource source, String codec, long ssrc,
                             int sequence, long rtpTimestamp, boolean marker, byte[] payload, long receivedMillis) { }
