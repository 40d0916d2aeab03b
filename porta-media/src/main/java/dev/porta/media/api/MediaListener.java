// SPDX-License-Identifier: Apache-2.0
package dev.porta.media.api;

import java.util.Set;

/** What the SFU tells the calling service about one participant. Implementations must not block. */
public interface MediaListener {

    /** A new offer for the participant's subscribe connection; send it to the client, which answers. */
    void subscribeOffer(String sdpOffer);

    /** The sources this participant currently sends media on (after publish and unpublish). */
    void publishedSources(Set<TrackSource> sources);

    /** This participant started or stopped speaking (from the audio-level header extension). */
    void speaking(boolean speaking);

    /** The room's dominant speaker changed; sent to every participant of the room. */
    void activeSpeaker(MediaParticipantId speaker);

    /** The transport's state changed (connected once ICE and DTLS complete; failed on timeout). */
    void transportState(TransportState state);
}
