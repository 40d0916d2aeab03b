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

    record RosterEntry(String id, String kind, String displayName, String role, String state, boolean muted,
                       boolean speaking, boolean handRaised, List<String> streams, String breakoutRoomId) { }

    record LobbyEntry(String id, String kind, String displayName) { }

    /** Only the id: what {@code removed} deltas carry. */
    record Ref(String id) { }

    record StateChanged(String state, String participantId, String resumeToken, MeetingInfo meeting, String role,
                        List<String> capabilities, Boolean recording, Boolean transcription,
                        CallEndReason callEndReason) implements ServerMessage { }

    record Roster(long seq, List<RosterEntry> participants) implements ServerMessage { }

    /** @param participant a {@link RosterEntry}, or a {@link Ref} for {@code removed} */
    record RosterDelta(long seq, String op, Object participant) implements ServerMessage { }

    record Lobby(List<LobbyEntry> participants) implements ServerMessage { }

    /** @param participant a {@link LobbyEntry}, or a {@link Ref} for {@code removed} */
    record LobbyDelta(String op, Object participant) implements ServerMessage { }

    record ChatMessage(String messageId, String senderId, String senderName, String senderKind, String text,
                       String sentAt) implements ServerMessage { }

    record ChatHistory(List<ChatMessage> messages) implements ServerMessage { }

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

    record RecordingState(boolean recording, boolean transcription) implements ServerMessage { }

    record Ack(String id, Integer count) implements ServerMessage { }

    record Error(String id, String code, String message) implements ServerMessage { }

    record Pong(String id) implements ServerMessage { }

    /** One RTCIceServer: TURN URLs with time-limited credentials. */
    record IceServer(List<String> urls, String username, String credential) { }

    /** The TURN relays an admitted participant may use, until {@code expiresAt}; sent again before then. */
    record IceServers(List<IceServer> iceServers, String expiresAt) implements ServerMessage { }
}
