// SPDX-License-Identifier: Apache-2.0
package dev.porta.calling.live;

import dev.porta.calling.protocol.ServerMessage.Seat;
import java.util.ArrayList;
import java.util.List;

/** Assigns Together-mode seats: a row-major grid of ceil(sqrt(n)) columns, in join order, bounded. */
final class TogetherSeating {
    private TogetherSeating() {
    }

    static List<Seat> seat(List<String> participantIdsInJoinOrder, int maxSeats) {
        int n = Math.min(participantIdsInJoinOrder.size(), maxSeats);
        int columns = Math.max(1, (int) Math.ceil(Math.sqrt(n)));
        List<Seat> seats = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            seats.add(new Seat(participantIdsInJoinOrder.get(i), i / columns, i % columns));
        }
        return seats;
    }
}
