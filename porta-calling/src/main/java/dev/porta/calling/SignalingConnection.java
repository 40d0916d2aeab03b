// SPDX-License-Identifier: Apache-2.0
package dev.porta.calling;

/**
 * One client's WebSocket, as the transport adapter (in porta-server) hands it to calling.
 *
 * <p>{@link #send} must not block: the adapter queues frames in order (bounded) and closes the socket
 * when the queue overflows. Calls come from a meeting's actor (and its media lanes), so they must be cheap.
 */
public interface SignalingConnection {

    /** Queues one text frame. Frames sent to one connection arrive in the order of these calls. */
    void send(String text);

    /** Sends a close frame with {@code code} and {@code reason}, after the frames queued before it. */
    void close(int code, String reason);

    /** The client's address, for rate limits keyed by client (e.g. passcode attempts). */
    String remoteAddress();
}
