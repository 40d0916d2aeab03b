// SPDX-License-Identifier: Apache-2.0
package dev.porta.calling.protocol;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.porta.calling.protocol.ClientMessage.*;
import java.util.Set;

/** Turns one text frame into a {@link ClientMessage}, strictly (docs/calling-protocol.md §1, §3). */
public final class ClientMessageDecoder {
    private static final Set<String> REACTIONS = Set.of("like", "heart", "applause", "laugh", "surprised");
    private static final int TOKEN_MAX = 8192;

    private final ObjectMapper mapper;
    private final int maxSdpChars;

    public ClientMessageDecoder(int maxFrameChars) {
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(8).build())
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .build();
        this.mapper = new ObjectMapper(factory);
        this.maxSdpChars = maxFrameChars;
    }

    public ClientMessage decode(String frame) throws ProtocolViolation {
        JsonNode node;
        try {
            node = mapper.readTree(frame);
        } catch (Exception e) {
            throw ProtocolViolation.fatal(EndReason.PROTOCOL_ERROR, "the frame is not valid JSON");
        }
        if (node == null || !node.isObject()) {
            throw ProtocolViolation.fatal(EndReason.PROTOCOL_ERROR, "the frame is not a JSON object");
        }
        JsonNode v = node.get("v");
        if (v == null || !v.isIntegralNumber() || v.asInt() != 1) {
            throw ProtocolViolation.fatal(EndReason.PROTOCOL_ERROR, "unsupported protocol version; expected \"v\":1");
        }
        JsonNode t = node.get("type");
        if (t == null || !t.isTextual()) {
            throw ProtocolViolation.fatal(EndReason.PROTOCOL_ERROR, "the frame has no type");
        }
        String type = t.asText();
        JsonNode idNode = node.get("id");
        String id = null;
        if (idNode != null && !idNode.isNull()) {
            if (!idNode.isTextual() || !Fields.isRequestId(idNode.asText())) {
                throw ProtocolViolation.fatal(EndReason.PROTOCOL_ERROR, "id must be 1-64 characters of [A-Za-z0-9_.:-]");
            }
            id = idNode.asText();
        }
        Fields f = new Fields(node, type);
        f.markRead("id");
        f.markRead("v");
        try {
            f.requiredString("type", 1, 40);
        } catch (Fields.BadField e) {
            throw ProtocolViolation.fatal(EndReason.PROTOCOL_ERROR, e.getMessage());
        }
        boolean joining = type.equals("join") || type.equals("resume");
        try {
            ClientMessage m = fields(type, id, f);
            f.noOthers();
            return m;
        } catch (Fields.BadField e) {
            if (joining) {
                throw ProtocolViolation.fatal(EndReason.INVALID_JOIN, e.getMessage());
            }
            throw ProtocolViolation.invalidField(id, e.getMessage());
        }
    }

    private ClientMessage fields(String type, String id, Fields f) throws Fields.BadField, ProtocolViolation {
        return switch (type) {
            case "join" -> new Join(id, f.requiredString("token", 1, TOKEN_MAX), locator(f.object("locator")),
                    f.optionalString("displayName", 0, 1000), f.bool("muted", true), f.integer("rosterVersion", 1, 2, 1));
            // absent: the version the participant spoke before (a ticket taken on another node: 1)
            case "resume" -> new Resume(id, f.requiredString("token", 1, TOKEN_MAX), f.requiredString("resumeToken", 1, 2048),
                    f.integer("rosterVersion", 1, 2, 0));
            // the limit's upper bound is calling.roster-page-size, checked by the meeting (the decoder has no config)
            case "rosterPage" -> new RosterPage(id, f.integer("offset", 0, 1_000_000), f.integer("limit", 1, 1_000_000));
            case "leave" -> new Leave(id);
            case "updateToken" -> new UpdateToken(id, f.requiredString("token", 1, TOKEN_MAX));
            case "ping" -> new Ping(id);
            case "mute" -> new Mute(id, f.bool("muted", null));
            case "publish" -> new Publish(id, f.source("source"));
            case "unpublish" -> new Unpublish(id, f.source("source"));
            case "publishOffer" -> new PublishOffer(id, f.requiredString("sdp", 1, maxSdpChars), f.sourcesByMid("sources"));
            case "subscribeAnswer" -> new SubscribeAnswer(id, f.requiredString("sdp", 1, maxSdpChars));
            case "restartIce" -> new RestartIce(id);
            case "videoPreference" -> new VideoPreference(id, f.participantId("participantId"), f.source("source"),
                    f.integer("maxHeight", 0, 4320));
            case "admit" -> new Admit(id, f.participantId("participantId"));
            case "admitAll" -> new AdmitAll(id);
            case "deny" -> new Deny(id, f.participantId("participantId"), f.bool("ban", false));
            case "muteParticipant" -> new MuteParticipant(id, f.participantId("participantId"));
            case "removeParticipant" -> new RemoveParticipant(id, f.participantId("participantId"), f.bool("ban", false));
            case "endMeeting" -> new EndMeeting(id);
            case "chat" -> new Chat(id, f.requiredString("text", 1, 4000));
            case "reaction" -> new Reaction(id, f.oneOf("reaction", REACTIONS));
            case "raiseHand" -> new RaiseHand(id);
            case "lowerHand" -> new LowerHand(id, f.optionalString("participantId", 1, 64));
            case "breakoutCreate" -> new BreakoutCreate(id, nonEmpty(f.strings("rooms", 50, 1, 100, false), "rooms"));
            case "breakoutAssign" -> new BreakoutAssign(id, f.requiredString("roomId", 1, 64),
                    f.strings("participantIds", 1000, 1, 64, true));
            case "breakoutOpen" -> new BreakoutOpen(id);
            case "breakoutClose" -> new BreakoutClose(id);
            case "togetherMode" -> new TogetherMode(id, f.bool("active", null));
            case "recording" -> new Recording(id, f.oneOf("kind", Set.of("recording", "transcription")).equals("transcription"),
                    f.bool("active", null));
            case "recordingConsent" -> new RecordingConsent(id);
            default -> throw ProtocolViolation.fatal(EndReason.PROTOCOL_ERROR, "unknown message type '"
                    + (type.length() > 40 ? type.substring(0, 40) : type) + "'");
        };
    }

    private static java.util.List<String> nonEmpty(java.util.List<String> l, String name) throws Fields.BadField {
        if (l.isEmpty()) {
            throw new Fields.BadField(name + " must not be empty");
        }
        return l;
    }

    private static Locator locator(JsonNode node) throws Fields.BadField {
        Fields f = new Fields(node, "locator");
        Locator l;
        if (node.has("meetingLink")) {
            String link = f.requiredString("meetingLink", 9, 2048);
            if (!link.startsWith("https://")) {
                throw new Fields.BadField("locator.meetingLink must be an https URL");
            }
            l = new Locator.MeetingLink(link);
        } else {
            String meetingId = f.requiredString("meetingId", 6, 20);
            if (!meetingId.chars().allMatch(Character::isDigit)) {
                throw new Fields.BadField("locator.meetingId must be digits");
            }
            l = new Locator.MeetingIdAndPasscode(meetingId, f.requiredString("passcode", 1, 64));
        }
        f.noOthers();
        return l;
    }
}
