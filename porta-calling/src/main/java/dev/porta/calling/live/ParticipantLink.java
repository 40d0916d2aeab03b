// SPDX-License-Identifier: Apache-2.0
package dev.porta.calling.live;

import dev.porta.calling.protocol.EndReason;

/** The live meeting's way back to one participant's signaling connection. Both methods must not block. */
public interface ParticipantLink {

    void send(String frame);

    /** The participant is gone (the final {@code stateChanged} was already sent): close the connection. */
    void terminate(EndReason reason);
}
