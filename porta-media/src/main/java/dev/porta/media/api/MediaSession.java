// SPDX-License-Identifier: Apache-2.0
package dev.porta.media.api;

import java.util.Map;

/** One participant's media in one room. Methods are thread-safe and never block on the network. */
public interface MediaSession extends AutoCloseable {

    /**
     * Answers the participant's offer for its publish connection (initial or renegotiated).
     *
     * @param sdpOffer      the browser's offer
     * @param sourcesByMid  which source each sending transceiver carries, by its {@code mid}
     * @return the SFU's SDP answer
     * @throws SdpException when the offer is malformed or offers nothing the SFU can use
     */
    String answerPublishOffer(String sdpOffer, Map<String, TrackSource> sourcesByMid) throws SdpException;

    /** Applies the participant's answer to the latest offer sent through {@link MediaListener#subscribeOffer}. */
    void acceptSubscribeAnswer(String sdpAnswer) throws SdpException;

    /**
     * ICE restart of the subscribe connection (the participant's network changed): new local credentials,
     * the old ones refused at once, and a fresh offer carrying them through {@link MediaListener#subscribeOffer}
     * (after the outstanding one is answered). Media keeps its path until a valid check with the new
     * credentials nominates another.
     */
    default void restartSubscribeIce() { }

    /**
     * Server-side switch for one of this participant's sources: when disabled, the SFU forwards none of
     * its packets (an organizer's mute, or a source the participant is not allowed to publish).
     */
    void setSourceEnabled(TrackSource source, boolean enabled);

    /**
     * Whether this participant's media may go into its room's recording (explicit recording consent): a
     * session starts left out, and calling lets it in once the meeting needs no consent or the participant
     * gave it. A room that is not being recorded ignores it.
     */
    default void setRecorded(boolean recorded) { }

    /** The largest video height this participant wants of {@code publisher}'s {@code source}; 0 pauses it. */
    void setVideoPreference(MediaParticipantId publisher, TrackSource source, int maxHeight);

    /** How many participants' camera video this participant receives at most (last-N). */
    void setLastN(int n);

    /** Participants whose video this participant always receives, in addition to the last-N choice. */
    void setPinned(java.util.Set<MediaParticipantId> pinned);

    /** Leaves the room: stops forwarding to and from this participant and frees its transport. */
    @Override
    void close();
}
