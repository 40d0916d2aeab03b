// SPDX-License-Identifier: Apache-2.0
package dev.porta.calling.live;

import dev.porta.calling.protocol.ServerMessage;
import dev.porta.calling.protocol.ServerMessage.LobbyDelta;
import dev.porta.calling.protocol.ServerMessage.LobbyEntry;
import dev.porta.calling.protocol.ServerMessage.Ref;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * People waiting to be let in, in arrival order (bounded by {@code calling.max-lobby}, which the join
 * checks). Those who may admit hear of every arrival and departure through the {@link Roster}. Touched only
 * on the meeting's actor.
 */
final class Lobby {
    private final Roster roster;
    private final Map<ParticipantId, Participant> waiting = new LinkedHashMap<>();

    Lobby(Roster roster) {
        this.roster = roster;
    }

    Participant get(ParticipantId id) {
        return waiting.get(id);
    }

    boolean has(ParticipantId id) {
        return waiting.containsKey(id);
    }

    int size() {
        return waiting.size();
    }

    boolean isEmpty() {
        return waiting.isEmpty();
    }

    List<Participant> inArrivalOrder() {
        return List.copyOf(waiting.values());
    }

    void arrive(Participant p) {
        waiting.put(p.id, p);
        roster.toAdmitters(new LobbyDelta("added", entry(p)));
    }

    /** {@code p} leaves the lobby (let in, denied, or gone); false when it was not waiting. */
    boolean leave(Participant p) {
        if (waiting.remove(p.id) == null) {
            return false;
        }
        roster.toAdmitters(new LobbyDelta("removed", new Ref(p.id.value())));
        return true;
    }

    /** The lobby as {@code recipient} (who may admit) sees it. */
    ServerMessage.Lobby snapshotFor(Participant recipient) {
        List<LobbyEntry> out = new ArrayList<>();
        for (Participant q : waiting.values()) {
            LobbyEntry e = entry(q);
            out.add(roster.hidesIdentity(recipient, e.id(), e.kind()) ? e.withoutIdentity() : e);
        }
        return new ServerMessage.Lobby(out);
    }

    private static LobbyEntry entry(Participant p) {
        return new LobbyEntry(p.id.value(), p.kind(), p.displayName, p.external ? Boolean.TRUE : null, p.rawId());
    }
}
