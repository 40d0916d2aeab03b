// SPDX-License-Identifier: Apache-2.0
package dev.porta.calling.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.porta.calling.protocol.ServerMessage.*;

/** Writes a {@link ServerMessage} as one JSON text frame with {@code v} and {@code type} first. */
public final class ServerMessageEncoder {
    private final ObjectMapper mapper = new ObjectMapper().setSerializationInclusion(JsonInclude.Include.NON_NULL);

    public String encode(ServerMessage m) {
        ObjectNode out = mapper.createObjectNode();
        out.put("v", 1);
        out.put("type", type(m));
        out.setAll((ObjectNode) mapper.valueToTree(m));
        try {
            return mapper.writeValueAsString(out);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode " + m.getClass().getSimpleName(), e);
        }
    }

    static String type(ServerMessage m) {
        return switch (m) {
            case StateChanged s -> "stateChanged";
            case Roster r -> "roster";
            case RosterDelta d -> "rosterDelta";
            case RosterBatch b -> "rosterDelta";
            case Lobby l -> "lobby";
            case LobbyDelta d -> "lobbyDelta";
            case ChatMessage c -> "chatMessage";
            case ChatHistory h -> "chatHistory";
            case ChatMessageEdited e -> "chatMessageEdited";
            case ChatMessageDeleted d -> "chatMessageDeleted";
            case TypingIndicator t -> "typingIndicator";
            case Reaction r -> "reaction";
            case MutedByOthers mo -> "mutedByOthers";
            case PublishAnswer a -> "publishAnswer";
            case SubscribeOffer o -> "subscribeOffer";
            case ActiveSpeaker s -> "activeSpeaker";
            case BreakoutRooms b -> "breakoutRooms";
            case BreakoutJoined b -> "breakoutJoined";
            case BreakoutLeft b -> "breakoutLeft";
            case TogetherMode t -> "togetherMode";
            case RecordingState r -> "recordingState";
            case RecordingFailed r -> "recordingFailed";
            case Ack a -> "ack";
            case ServerMessage.Error e -> "error";
            case Pong p -> "pong";
            case JoinElsewhere j -> "joinElsewhere";
            case ServerMessage.IceServers i -> "iceServers";
        };
    }
}
