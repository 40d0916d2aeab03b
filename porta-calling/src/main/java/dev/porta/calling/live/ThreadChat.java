// SPDX-License-Identifier: Apache-2.0
package dev.porta.calling.live;

import dev.porta.calling.chat.ChatEntry;
import dev.porta.calling.chat.ReadReceipt;
import dev.porta.calling.meeting.Capability;
import dev.porta.calling.meeting.ChatMode;
import dev.porta.calling.protocol.ServerMessage;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A live meeting's chat seen as an ACS chat thread, for callers known by the identity in their token rather
 * than by a WebSocket. It applies the same rules as the WebSocket's {@code chat} action: only a participant
 * connected to the meeting (not in the lobby) takes part; {@code allowMeetingChat: disabled} refuses sending;
 * a participant sees what {@link MeetingFeatures#visibleTo} allows. Messages it accepts reach everyone
 * connected as {@code chatMessage} frames (edits and deletions as {@code chatMessageEdited} and
 * {@code chatMessageDeleted}) and share one history with the WebSocket's messages. Each call runs on the
 * meeting's actor and may throw {@link LiveMeeting.Busy} when the meeting has too much work waiting.
 */
public final class ThreadChat {
    /** ACS's limit for one message's content: 28 KiB. */
    public static final int MAX_MESSAGE_BYTES = 28 * 1024;
    /** At most one typing notification per sender is relayed in this time (ACS's clients send one per 8 s). */
    public static final java.time.Duration TYPING_INTERVAL = java.time.Duration.ofSeconds(8);

    private final LiveMeeting meeting;

    ThreadChat(LiveMeeting meeting) {
        this.meeting = meeting;
    }

    /** Why a thread operation was refused; the HTTP layer maps each to ACS's status and code. */
    public enum Refusal { NOT_A_PARTICIPANT, CHAT_DISABLED, MESSAGE_NOT_FOUND, NOT_THE_SENDER, INVALID_CONTENT }

    /** A refused thread operation. */
    public static final class RefusedException extends RuntimeException {
        private final Refusal refusal;

        RefusedException(Refusal refusal, String message) {
            super(message, null, false, false);
            this.refusal = refusal;
        }

        public Refusal refusal() {
            return refusal;
        }
    }

    /** One person on the thread: a connected participant. */
    public record Member(String rawId, String displayName, String kind, Instant admittedAt) { }

    /** What the thread shows about itself. */
    public record Properties(String topic, Instant createdOn, String organizerRawId) { }

    /**
     * Keeps the caller's read receipt for {@code messageId}, a message the caller may see (one receipt per reader,
     * the latest, in the chat's store: it survives a restart and is forgotten with the meeting's messages).
     */
    public void markRead(String identityId, String messageId) {
        meeting.ask(() -> {
            Participant p = participant(identityId);
            message(identityId, messageId);
            String id = meeting.meetingId();
            ReadReceipt receipt = new ReadReceipt(p.rawId(), messageId, meeting.clock.instant());
            meeting.chatWrite(store -> store.markRead(id, receipt));
            return null;
        });
    }

    /**
     * The latest read receipt of each reader, for the messages the caller may see (a guest learns nothing about
     * messages from before their admission); none while chat is disabled.
     */
    public List<ReadReceipt> readReceipts(String identityId) {
        // which messages the caller may see is the meeting's to say (on its actor); the receipts are read from
        // the store off the actor (a receipt marked before this call has been written: markRead waits for it)
        Set<String> visible = meeting.ask(() -> {
            Participant p = participant(identityId);
            if (meeting.details.allowMeetingChat() == ChatMode.DISABLED) {
                return Set.<String>of();
            }
            Set<String> ids = new HashSet<>();
            meeting.features().visibleTo(p).forEach(e -> ids.add(e.messageId()));
            return ids;
        });
        if (visible.isEmpty()) {
            return List.of();
        }
        return meeting.chat.readReceipts(meeting.meetingId()).stream().filter(r -> visible.contains(r.messageId())).toList();
    }

    /**
     * The caller is typing: the other connected participants get a {@code typingIndicator} frame. ACS's clients
     * send at most one notification per {@link #TYPING_INTERVAL}; Porta relays at most that many per sender and
     * drops the rest (the request still succeeds, as ACS's does), so a flood reaches nobody.
     *
     * @return whether the notification was relayed
     */
    public boolean typing(String identityId) {
        return meeting.ask(() -> {
            Participant p = participant(identityId);
            refuseUnlessChatAllowed(p);
            Instant now = meeting.clock.instant();
            if (p.typingRelayedAt != null && now.isBefore(p.typingRelayedAt.plus(TYPING_INTERVAL))) {
                return false;
            }
            p.typingRelayedAt = now;
            var frame = new ServerMessage.TypingIndicator(p.id.value(), p.displayName, now.toString());
            for (Participant q : meeting.connectedInJoinOrder()) {
                if (q != p) {
                    q.send(meeting, frame);
                }
            }
            return true;
        });
    }

    public ChatEntry send(String identityId, String content) {
        return meeting.ask(() -> {
            Participant p = participant(identityId);
            refuseUnlessChatAllowed(p);
            return meeting.features().post(p, checked(content));
        });
    }

    /** The messages the caller may see, oldest first. */
    public List<ChatEntry> messages(String identityId) {
        return meeting.ask(() -> {
            Participant p = participant(identityId);
            return meeting.details.allowMeetingChat() == ChatMode.DISABLED ? List.of() : meeting.features().visibleTo(p);
        });
    }

    public ChatEntry message(String identityId, String messageId) {
        return meeting.ask(() -> {
            Participant p = participant(identityId);
            if (meeting.details.allowMeetingChat() != ChatMode.DISABLED) {
                for (ChatEntry e : meeting.features().visibleTo(p)) {
                    if (e.messageId().equals(messageId)) {
                        return e;
                    }
                }
            }
            throw new RefusedException(Refusal.MESSAGE_NOT_FOUND, "no message " + messageId + " on this thread");
        });
    }

    /** Changes the text of the caller's own message. */
    public ChatEntry edit(String identityId, String messageId, String content) {
        return meeting.ask(() -> {
            ChatEntry own = own(identityId, messageId);
            ChatEntry edited = own.edited(checked(content), meeting.clock.instant());
            if (!meeting.chatMirror.replace(edited)) {
                throw new RefusedException(Refusal.MESSAGE_NOT_FOUND, "no message " + messageId + " on this thread");
            }
            String id = meeting.meetingId();
            meeting.chatWrite(store -> store.replace(id, edited));
            meeting.features().toThoseWhoSee(edited, new dev.porta.calling.protocol.ServerMessage.ChatMessageEdited(
                    messageId, edited.text(), edited.editedAt().toString()));
            return edited;
        });
    }

    /** Deletes the caller's own message. */
    public void delete(String identityId, String messageId) {
        meeting.ask(() -> {
            ChatEntry gone = own(identityId, messageId);
            if (meeting.chatMirror.remove(messageId)) {
                String id = meeting.meetingId();
                meeting.chatWrite(store -> store.remove(id, messageId));
                meeting.features().toThoseWhoSee(gone, new dev.porta.calling.protocol.ServerMessage.ChatMessageDeleted(messageId));
            }
            return null;
        });
    }

    /** Everyone connected, in join order; only a connected participant may ask. */
    public List<Member> members(String identityId) {
        return meeting.ask(() -> {
            participant(identityId);
            List<Member> out = new ArrayList<>();
            for (Participant q : meeting.connectedInJoinOrder()) {
                out.add(new Member(q.rawId(), q.displayName, q.kind(), q.admittedAt));
            }
            return out;
        });
    }

    public Properties properties(String identityId) {
        return meeting.ask(() -> {
            participant(identityId);
            return new Properties(meeting.details.subject(), meeting.startedAt, "8:orgid:" + meeting.details.organizerMemberId());
        });
    }

    private ChatEntry own(String identityId, String messageId) {
        Participant p = participant(identityId);
        refuseUnlessChatAllowed(p);
        ChatEntry e = message(identityId, messageId);
        if (!e.senderRawId().equals(p.rawId())) {
            throw new RefusedException(Refusal.NOT_THE_SENDER, "only the sender may change or delete a message");
        }
        return e;
    }

    private Participant participant(String identityId) {
        Participant p = meeting.connectedWithIdentity(new dev.porta.calling.auth.IdentityId(identityId));
        if (p == null) {
            throw new RefusedException(Refusal.NOT_A_PARTICIPANT, "the caller is not a participant admitted to this meeting");
        }
        return p;
    }

    private void refuseUnlessChatAllowed(Participant p) {
        Permissions.Denial d = Permissions.check(meeting.details, p, Capability.CHAT);
        if (d != null) {
            throw new RefusedException(Refusal.CHAT_DISABLED, d.message());
        }
    }

    /** The WebSocket's rule for text (not blank, no control characters but line breaks and tabs) and ACS's size limit. */
    private static String checked(String content) {
        String t = content == null ? "" : content.strip();
        if (t.isEmpty() || t.chars().anyMatch(c -> Character.isISOControl(c) && c != '\n' && c != '\t' && c != '\r')) {
            throw new RefusedException(Refusal.INVALID_CONTENT, "content must not be blank or contain control characters");
        }
        if (t.getBytes(StandardCharsets.UTF_8).length > MAX_MESSAGE_BYTES) {
            throw new RefusedException(Refusal.INVALID_CONTENT, "content is larger than " + MAX_MESSAGE_BYTES + " bytes");
        }
        return t;
    }
}
