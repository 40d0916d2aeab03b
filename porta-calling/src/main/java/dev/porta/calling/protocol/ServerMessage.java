// SPDX-License-Identifier: Apache-2.0
package dev.porta.calling.protocol;

import java.util.List;

/** Every frame the server sends (docs/calling-protocol.md §4); null fields are left out on the wire. */
public sealed interface ServerMessage {

    record MeetingInfo(String meetingId, String subject, String startDateTime, String endDateTime) { }

    record CallEndReason(int code, int subCode, String message, List<String> resultCategories, boolean canRejoin) {
        public static CallEndReason of(EndReason r) {
            return new CallEndReason(r.code(), r.subCode(), r.message(), List.of(r.category().wire()), r.canRejoin());
        }
    }

    /**
     * @param external true for anyone outside the meeting's organization (guests, other tenants' members); null otherwise
     * @param rawId    the person's ACS raw identity: {@code 8:acs:…} for a guest, {@code 8:orgid:<member id>} for a
     *                 member; null when the meeting policy hides a guest's identity from the recipient
     */
    record RosterEntry(String id, String kind, String displayName, String role, String state, boolean muted,
                       boolean speaking, boolean handRaised, List<String> streams, String breakoutRoomId,
                       Boolean external, String rawId) {
        /** This entry without the identity (what a recipient sees when the policy hides it). */
        public RosterEntry withoutIdentity() {
            return new RosterEntry(id, kind, displayName, role, state, muted, speaking, handRaised, streams,
                    breakoutRoomId, external, null);
        }
    }

    /** @param external as in {@link RosterEntry} @param rawId as in {@link RosterEntry} */
    record LobbyEntry(String id, String kind, String displayName, Boolean external, String rawId) {
        public LobbyEntry withoutIdentity() {
            return new LobbyEntry(id, kind, displayName, external, null);
        }
    }

    /** Only the id: what {@code removed} deltas carry. */
    record Ref(String id) { }

    /**
     * @param mediaSession with {@code Connected}: names the participant's session on the SFU; a resume that answers
     *                     with another one (the meeting moved to another node) means the client's peer connections
     *                     lead nowhere and it negotiates new ones (protocol §2, "Resume")
     */
    record StateChanged(String state, String participantId, String resumeToken, MeetingInfo meeting, String role,
                        List<String> capabilities, Boolean recording, Boolean transcription,
                        CallEndReason callEndReason, String mediaSession) implements ServerMessage { }

    /**
     * The roster, or (roster version 2) one page of it.
     * @param offset version 2: where the page starts in join order; null for version 1 (the whole roster)
     * @param total  version 2: how many are seated in all; null for version 1
     */
    record Roster(long seq, List<RosterEntry> participants, Integer offset, Integer total) implements ServerMessage {
        public Roster(long seq, List<RosterEntry> participants) {
            this(seq, participants, null, null);
        }
    }

    /**
     * Roster version 2: what changed in the recipient's page over one window, as one {@code rosterDelta} frame.
     * @param prev  the {@code seq} of the snapshot or batch before this one (the client's current seq)
     * @param total how many are seated in all
     */
    record RosterBatch(long seq, long prev, int total, List<RosterChange> changes) implements ServerMessage { }

    /** One change of a {@link RosterBatch}: {@code participant} a {@link RosterEntry}, or a {@link Ref} for {@code removed}. */
    record RosterChange(String op, Object participant) { }

    /** @param participant a {@link RosterEntry}, or a {@link Ref} for {@code removed} */
    record RosterDelta(long seq, String op, Object participant) implements ServerMessage { }

    record Lobby(List<LobbyEntry> participants) implements ServerMessage { }

    /** @param participant a {@link LobbyEntry}, or a {@link Ref} for {@code removed} */
    record LobbyDelta(String op, Object participant) implements ServerMessage { }

    record ChatMessage(String messageId, String senderId, String senderName, String senderKind, String text,
                       String sentAt) implements ServerMessage { }

    /** A chat message's new text, edited through the Chat API. */
    record ChatMessageEdited(String messageId, String text, String editedAt) implements ServerMessage { }

    /** A chat message deleted through the Chat API. */
    record ChatMessageDeleted(String messageId) implements ServerMessage { }

    /** A participant is typing (a Chat API typing notification), to the other connected participants. */
    record TypingIndicator(String senderId, String senderName, String receivedOn) implements ServerMessage { }

    /** @param more true when another {@code chatHistory} page follows that continues this one; null on the last */
    record ChatHistory(List<ChatMessage> messages, Boolean more) implements ServerMessage { }

    record Reaction(String participantId, String reaction, String at) implements ServerMessage { }

    record MutedByOthers(String by) implements ServerMessage { }

    record PublishAnswer(String id, String sdp) implements ServerMessage { }

    record SubscribeOffer(String sdp) implements ServerMessage { }

    record ActiveSpeaker(String participantId) implements ServerMessage { }

    record BreakoutRoomView(String roomId, String name, boolean open, List<String> participantIds) { }

    record BreakoutRooms(List<BreakoutRoomView> rooms) implements ServerMessage { }

    record BreakoutJoined(String roomId, String name) implements ServerMessage { }

    record BreakoutLeft() implements ServerMessage { }

    record Seat(String participantId, int row, int column) { }

    record TogetherMode(boolean active, List<Seat> seats) implements ServerMessage { }

    /** @param consentRequired explicit recording consent is on and this participant has not given it (so is left out) */
    record RecordingState(boolean recording, boolean transcription, boolean consentRequired) implements ServerMessage { }

    /** The recording failed (disk, composer, nothing recorded); to the organizers only. */
    record RecordingFailed(String reason) implements ServerMessage { }

    record Ack(String id, Integer count) implements ServerMessage { }

    record Error(String id, String code, String message) implements ServerMessage { }

    record Pong(String id) implements ServerMessage { }

    /** The meeting lives on another node: join there ({@code url} is that node's calling WebSocket, from the registry). */
    record JoinElsewhere(String url) implements ServerMessage { }

    /** One RTCIceServer: TURN URLs with time-limited credentials. */
    record IceServer(List<String> urls, String username, String credential) { }

    /** The TURN relays an admitted participant may use, until {@code expiresAt}; sent again before then. */
    record IceServers(List<IceServer> iceServers, String expiresAt) implements ServerMessage { }
}
