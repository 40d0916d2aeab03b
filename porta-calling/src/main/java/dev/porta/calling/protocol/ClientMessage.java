// SPDX-License-Identifier: Apache-2.0
package dev.porta.calling.protocol;

import dev.porta.media.api.TrackSource;
import java.util.List;
import java.util.Map;

/** Every frame a client may send, as validated records (docs/calling-protocol.md §3). */
public sealed interface ClientMessage {

    /** The client's request id, echoed in the answer; null when the client sent none. */
    String id();

    /** How the client names the meeting it joins. */
    sealed interface Locator {
        record MeetingLink(String joinWebUrl) implements Locator { }

        record MeetingIdAndPasscode(String meetingId, String passcode) implements Locator { }
    }

    /** @param rosterVersion 1: one {@code rosterDelta} per change, whole snapshots; 2: batches and pages (§4.4) */
    record Join(String id, String token, Locator locator, String displayName, boolean muted, int rosterVersion)
            implements ClientMessage {
        public Join(String id, String token, Locator locator, String displayName, boolean muted) {
            this(id, token, locator, displayName, muted, 1);
        }
    }

    /** @param rosterVersion as in {@link Join}; 0 when the client did not say (the version it spoke before) */
    record Resume(String id, String token, String resumeToken, int rosterVersion) implements ClientMessage { }

    /** A roster-version-2 client asks for the entries it shows: {@code limit} of them from {@code offset} in join order. */
    record RosterPage(String id, int offset, int limit) implements ClientMessage { }

    record Leave(String id) implements ClientMessage { }

    record UpdateToken(String id, String token) implements ClientMessage { }

    record Ping(String id) implements ClientMessage { }

    record Mute(String id, boolean muted) implements ClientMessage { }

    record Publish(String id, TrackSource source) implements ClientMessage { }

    record Unpublish(String id, TrackSource source) implements ClientMessage { }

    record PublishOffer(String id, String sdp, Map<String, TrackSource> sources) implements ClientMessage { }

    record SubscribeAnswer(String id, String sdp) implements ClientMessage { }

    /** The client's network changed: restart ICE on its subscribe connection (a fresh offer follows). */
    record RestartIce(String id) implements ClientMessage { }

    record VideoPreference(String id, String participantId, TrackSource source, int maxHeight) implements ClientMessage { }

    record Admit(String id, String participantId) implements ClientMessage { }

    record AdmitAll(String id) implements ClientMessage { }

    /** @param ban the organizer bars the identity from joining again while this live meeting lasts */
    record Deny(String id, String participantId, boolean ban) implements ClientMessage { }

    record MuteParticipant(String id, String participantId) implements ClientMessage { }

    /** @param ban the organizer bars the identity from joining again while this live meeting lasts */
    record RemoveParticipant(String id, String participantId, boolean ban) implements ClientMessage { }

    record EndMeeting(String id) implements ClientMessage { }

    record Chat(String id, String text) implements ClientMessage { }

    record Reaction(String id, String reaction) implements ClientMessage { }

    record RaiseHand(String id) implements ClientMessage { }

    /** @param participantId whose hand; null for one's own */
    record LowerHand(String id, String participantId) implements ClientMessage { }

    record BreakoutCreate(String id, List<String> rooms) implements ClientMessage { }

    record BreakoutAssign(String id, String roomId, List<String> participantIds) implements ClientMessage { }

    record BreakoutOpen(String id) implements ClientMessage { }

    record BreakoutClose(String id) implements ClientMessage { }

    record TogetherMode(String id, boolean active) implements ClientMessage { }

    /** @param transcription true for the transcription notice, false for recording */
    record Recording(String id, boolean transcription, boolean active) implements ClientMessage { }

    /** Consent to being recorded and transcribed (ACS {@code grantTeamsConsent}). */
    record RecordingConsent(String id) implements ClientMessage { }
}
