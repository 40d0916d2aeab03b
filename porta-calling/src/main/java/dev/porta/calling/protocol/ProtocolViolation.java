// SPDX-License-Identifier: Apache-2.0
package dev.porta.calling.protocol;

/**
 * A frame the server cannot accept. With an {@link EndReason} the participant is cut off; with only an
 * {@link ActionError} (a bad field in an action) the frame is refused and the participant carries on.
 */
public final class ProtocolViolation extends Exception {
    private final transient EndReason endReason;
    private final String requestId;

    private ProtocolViolation(EndReason endReason, String requestId, String message) {
        super(message, null, false, false);
        this.endReason = endReason;
        this.requestId = requestId;
    }

    public static ProtocolViolation fatal(EndReason reason, String message) {
        return new ProtocolViolation(reason, null, message);
    }

    public static ProtocolViolation invalidField(String requestId, String message) {
        return new ProtocolViolation(null, requestId, message);
    }

    /** The end reason, or null when only the frame is refused. */
    public EndReason endReason() {
        return endReason;
    }

    public String requestId() {
        return requestId;
    }
}
