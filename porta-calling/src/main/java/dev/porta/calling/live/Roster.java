// SPDX-License-Identifier: Apache-2.0
package dev.porta.calling.live;

import dev.porta.calling.meeting.Capability;
import dev.porta.calling.meeting.MeetingDetails;
import dev.porta.calling.protocol.ServerMessage;
import dev.porta.calling.protocol.ServerMessage.LobbyDelta;
import dev.porta.calling.protocol.ServerMessage.LobbyEntry;
import dev.porta.calling.protocol.ServerMessage.Ref;
import dev.porta.calling.protocol.ServerMessage.RosterDelta;
import dev.porta.calling.protocol.ServerMessage.RosterEntry;
import dev.porta.calling.protocol.ServerMessageEncoder;
import dev.porta.media.api.TrackSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Who has a seat in the meeting (Connected or reconnecting), in join order, and the sequence number every
 * roster change carries; sends each change to everyone seated, and lobby news to those who may admit, with
 * the guest-privacy rule applied per recipient. Touched only on the meeting's actor.
 */
final class Roster {
    private final MeetingDetails details;
    private final ServerMessageEncoder encoder;
    private final Map<ParticipantId, Participant> seated = new LinkedHashMap<>();
    private long seq;

    Roster(MeetingDetails details, ServerMessageEncoder encoder) {
        this.details = details;
        this.encoder = encoder;
    }

    Participant get(ParticipantId id) {
        return seated.get(id);
    }

    boolean has(ParticipantId id) {
        return seated.containsKey(id);
    }

    int size() {
        return seated.size();
    }

    boolean isEmpty() {
        return seated.isEmpty();
    }

    void seat(Participant p) {
        seated.put(p.id, p);
    }

    /** False when {@code p} had no seat. */
    boolean unseat(Participant p) {
        return seated.remove(p.id) != null;
    }

    List<Participant> inJoinOrder() {
        return List.copyOf(seated.values());
    }

    /** Tells everyone seated (but {@code excluded}) that {@code p} was added, updated or removed. */
    void changed(String op, Participant p, Participant excluded) {
        seq++;
        broadcast(new RosterDelta(seq, op, op.equals("removed") ? new Ref(p.id.value()) : entry(p)), excluded);
    }

    /** The whole roster as {@code recipient} may see it, with the current sequence number. */
    ServerMessage.Roster snapshotFor(Participant recipient) {
        List<RosterEntry> entries = new ArrayList<>(seated.size());
        for (Participant q : seated.values()) {
            RosterEntry e = entry(q);
            entries.add(hidesIdentity(recipient, e.id(), e.kind()) ? e.withoutIdentity() : e);
        }
        return new ServerMessage.Roster(seq, entries);
    }

    /** Sends {@code m} to everyone seated whose entry has gone out, but {@code excluded} (may be null). */
    void broadcast(ServerMessage m, Participant excluded) {
        String frame = encoder.encode(m);
        String redacted = null;
        for (Participant p : seated.values()) {
            if (p.link != null && p != excluded && !p.awaitingEntry) {
                if (hidesIdentityFrom(p, m)) {
                    redacted = redacted == null ? encoder.encode(withoutIdentity(m)) : redacted;
                    p.link.send(redacted);
                } else {
                    p.link.send(frame);
                }
            }
        }
    }

    /** Sends {@code m} (lobby news) to those seated who may admit from the lobby. */
    void toAdmitters(ServerMessage m) {
        String frame = null;
        String redacted = null;
        for (Participant p : seated.values()) {
            if (p.link != null && !p.awaitingEntry && mayAdmit(p)) {
                if (hidesIdentityFrom(p, m)) {
                    redacted = redacted == null ? encoder.encode(withoutIdentity(m)) : redacted;
                    p.link.send(redacted);
                } else {
                    frame = frame == null ? encoder.encode(m) : frame;
                    p.link.send(frame);
                }
            }
        }
    }

    boolean mayAdmit(Participant p) {
        return Permissions.check(details, p, Capability.ADMIT_FROM_LOBBY) == null;
    }

    RosterEntry entry(Participant p) {
        List<String> streams = new ArrayList<>(3);
        if (p.published.contains(TrackSource.MICROPHONE) && !p.muted) {
            streams.add("audio");
        }
        if (p.published.contains(TrackSource.CAMERA)) {
            streams.add("video");
        }
        if (p.published.contains(TrackSource.SCREEN)) {
            streams.add("screenShare");
        }
        return new RosterEntry(p.id.value(), p.kind(), p.displayName, p.role.wireName(),
                p.isReconnecting() ? "Reconnecting" : "Connected", p.muted, p.speaking, p.handRaised, streams,
                p.breakoutRoomId == null ? null : p.breakoutRoomId.value(), p.external ? Boolean.TRUE : null, p.rawId());
    }

    /**
     * Privacy policy: when guests' identities are not visible to guests, an external recipient sees other
     * guests by participant id only (their raw id is left out). Members, and everyone's own entry, keep it.
     */
    boolean hidesIdentity(Participant recipient, String entryId, String entryKind) {
        return recipient.external && !details.policy().guestIdentitiesVisibleToGuests()
                && "guest".equals(entryKind) && !recipient.id.value().equals(entryId);
    }

    private boolean hidesIdentityFrom(Participant recipient, ServerMessage m) {
        return switch (m) {
            case RosterDelta d when d.participant() instanceof RosterEntry e -> hidesIdentity(recipient, e.id(), e.kind());
            case LobbyDelta d when d.participant() instanceof LobbyEntry e -> hidesIdentity(recipient, e.id(), e.kind());
            default -> false;
        };
    }

    private static ServerMessage withoutIdentity(ServerMessage m) {
        return switch (m) {
            case RosterDelta d when d.participant() instanceof RosterEntry e -> new RosterDelta(d.seq(), d.op(), e.withoutIdentity());
            case LobbyDelta d when d.participant() instanceof LobbyEntry e -> new LobbyDelta(d.op(), e.withoutIdentity());
            default -> m;
        };
    }
}
