// SPDX-License-Identifier: Apache-2.0
package dev.porta.calling.live;

import dev.porta.calling.auth.Caller;
import dev.porta.media.api.MediaSession;
import dev.porta.media.api.TrackSource;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Set;

/** One person in one live meeting; mutable state touched only on its meeting's actor, {@link #media} only on {@link #mediaLane}. */
public final class Participant {
    public enum State { IN_LOBBY, CONNECTED }

    final ParticipantId id;
    final String displayName;
    final long joinOrder;
    final Role role;
    /** A guest, or a member of another tenant than the meeting's: the guest policy applies (review M10). */
    final boolean external;
    Caller caller;
    State state = State.IN_LOBBY;
    ParticipantLink link;
    Instant disconnectedAt;
    /** When the participant entered the meeting (not the lobby); null while waiting. */
    Instant admittedAt;
    String resumeToken;
    boolean muted;
    boolean speaking;
    boolean handRaised;
    /** When this participant's last Chat API typing notification was relayed (one per ThreadChat.TYPING_INTERVAL). */
    Instant typingRelayedAt;
    final Set<TrackSource> published = EnumSet.noneOf(TrackSource.class);
    /**
     * Names {@link #media} to the client (protocol {@code stateChanged.mediaSession}): set when the participant
     * enters on this node, so a participant re-homed here from a dead node is told its peer connections are stale.
     */
    String mediaSession;
    /** The SFU session; touched only by tasks on {@link #mediaLane}. */
    MediaSession media;
    /**
     * Where this participant's SFU calls run, in order (open, gates, SDP, close), off the meeting's actor: a
     * slow SFU call holds up this participant's media only. Fed only from the actor, whose input is bounded.
     */
    final SerialQueue mediaLane;
    /** Seated, but the entry package has not gone out yet (its media is opening): gets no other frames meanwhile. */
    boolean awaitingEntry;
    BreakoutRoomId breakoutRoomId;
    /** Came back through a dead home's resume ticket: that ticket must not take it back a second time. */
    boolean arrivedByTicket;
    /** When this participant's TURN credentials are due for renewal; null without TURN. */
    Instant iceServersRenewAt;
    /**
     * The roster protocol its client speaks: 1, every change as its own {@code rosterDelta} and whole snapshots;
     * 2, one batch per {@code calling.roster-window} and pages (docs/calling-protocol.md §4.4).
     */
    int rosterVersion = 1;
    /** Version 2: the part of the roster its client shows, in join order (the first page until it asks for another). */
    int pageOffset;
    int pageLimit;
    /** Version 2: the ids of the page its client holds as of {@link #rosterSeqSent} (its own entry not counted). */
    java.util.Set<ParticipantId> pageShown = java.util.Set.of();
    /** Version 2: the roster seq of the last snapshot or batch its client got. */
    long rosterSeqSent;
    /** Version 2: the seated count its client was last told. */
    int rosterTotalSent;

    Participant(ParticipantId id, Caller caller, String displayName, Role role, long joinOrder, boolean muted, boolean external) {
        this.id = id;
        this.external = external;
        this.caller = caller;
        this.displayName = displayName;
        this.role = role;
        this.joinOrder = joinOrder;
        this.muted = muted;
        this.mediaLane = new SerialQueue("porta-media-lane-" + id, 1);
    }

    public ParticipantId id() {
        return id;
    }

    public boolean isGuest() {
        return caller instanceof Caller.Guest;
    }

    /**
     * The ACS raw id of the person: a guest's communication identity ({@code 8:acs:…}, what the Identity
     * API issued), a member's {@code 8:orgid:<member object id>} (ACS's form for a Teams user, public cloud).
     */
    String rawId() {
        return switch (caller) {
            case Caller.Guest g -> g.identityId();
            case Caller.Member m -> "8:orgid:" + m.memberId();
        };
    }

    String kind() {
        return isGuest() ? "guest" : "member";
    }

    void send(LiveMeeting meeting, dev.porta.calling.protocol.ServerMessage message) {
        if (link != null && !awaitingEntry) {
            link.send(meeting.encoder.encode(message));
        }
    }

    boolean isReconnecting() {
        return link == null;
    }
}
