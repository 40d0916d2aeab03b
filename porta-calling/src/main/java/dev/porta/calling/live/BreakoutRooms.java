// SPDX-License-Identifier: Apache-2.0
package dev.porta.calling.live;

import dev.porta.calling.protocol.ServerMessage.BreakoutRoomView;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** A meeting's breakout rooms: names, assignments, and whether they are open. Touched only on the meeting's actor. */
final class BreakoutRooms {
    record Room(BreakoutRoomId id, String name, Set<ParticipantId> assignees) { }

    private final Map<BreakoutRoomId, Room> rooms = new LinkedHashMap<>();
    private boolean open;

    boolean isOpen() {
        return open;
    }

    boolean isEmpty() {
        return rooms.isEmpty();
    }

    /** Replaces the rooms (only while closed). */
    void create(List<String> names) {
        rooms.clear();
        int n = 0;
        for (String name : names) {
            BreakoutRoomId id = new BreakoutRoomId("r" + (++n));
            rooms.put(id, new Room(id, name.strip(), new LinkedHashSet<>()));
        }
    }

    Optional<Room> room(BreakoutRoomId id) {
        return Optional.ofNullable(rooms.get(id));
    }

    /** Moves each participant into {@code roomId} (out of any other room). */
    void assign(BreakoutRoomId roomId, List<ParticipantId> participantIds) {
        for (Room r : rooms.values()) {
            participantIds.forEach(r.assignees()::remove);
        }
        rooms.get(roomId).assignees().addAll(participantIds);
    }

    void forget(ParticipantId participantId) {
        rooms.values().forEach(r -> r.assignees().remove(participantId));
    }

    Optional<Room> roomOf(ParticipantId participantId) {
        return rooms.values().stream().filter(r -> r.assignees().contains(participantId)).findFirst();
    }

    void setOpen(boolean open) {
        this.open = open;
    }

    List<BreakoutRoomView> views() {
        List<BreakoutRoomView> out = new ArrayList<>();
        rooms.values().forEach(r -> out.add(new BreakoutRoomView(r.id().value(), r.name(), open, r.assignees().stream().map(ParticipantId::value).toList())));
        return out;
    }
}
