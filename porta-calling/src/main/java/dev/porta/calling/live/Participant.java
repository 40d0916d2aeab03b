// SPDX-License-Identifier: Apache-2.0
package dev.porta.calling.live;

import dev.porta.calling.auth.Caller;
import dev.porta.media.api.MediaSession;
import dev.porta.media.api.TrackSource;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Set;

/** One person in one live meeting; mutable state guarded by its meeting's lock. */
public final class Participant {
    public enum State { IN_LOBBY, CONNECTED }

    final String id;
    final String displayName;
    final long joinOrder;
    final Role role;
    Caller caller;
    State state = State.IN_LOBBY;
    ParticipantLink link;
    Instant disconnectedAt;
    String resumeToken;
    boolean muted;
    boolean speaking;
    boolean handRaised;
    final Set<TrackSource> published = EnumSet.noneOf(TrackSource.class);
    MediaSession media;
    String breakoutRoomId;
    /** When this participant's TURN credentials are due for renewal; null without TURN. */
    Instant iceServersRenewAt;

    Participant(String id, Caller caller, String displayName, Role role, long joinOrder, boolean muted) {
        this.id = id;
        this.caller = caller;
        this.displayName = displayName;
        this.role = role;
        this.joinOrder = joinOrder;
        this.muted = muted;
    }

    public String id() {
        return id;
    }

    public boolean isGuest() {
        return caller instanceof Caller.Guest;
    }

    String kind() {
        return isGuest() ? "guest" : "member";
    }

    void send(LiveMeeting meeting, dev.porta.calling.protocol.ServerMessage message) {
        if (link != null) {
            link.send(meeting.encoder.encode(message));
        }
    }

    boolean isReconnecting() {
        return link == null;
    }
}
