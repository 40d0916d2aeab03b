// SPDX-License-Identifier: Apache-2.0
package dev.porta.directory;

import java.util.Arrays;
import java.util.Optional;

/** Application permissions (app roles) an admin grants to an app; carried in the token's {@code roles}. */
public enum AppPermission {
    ONLINE_MEETINGS_READ_ALL("OnlineMeetings.Read.All"),
    ONLINE_MEETINGS_READ_WRITE_ALL("OnlineMeetings.ReadWrite.All"),
    /** Online meeting artifacts: attendance reports and their records (Graph requires it for those alone). */
    ONLINE_MEETING_ARTIFACT_READ_ALL("OnlineMeetingArtifact.Read.All"),
    /** Recordings of online meetings and their content (Graph requires this permission for them alone). */
    ONLINE_MEETING_RECORDING_READ_ALL("OnlineMeetingRecording.Read.All");

    private final String wire;

    AppPermission(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }

    public static Optional<AppPermission> fromWire(String text) {
        return Arrays.stream(values()).filter(p -> p.wire.equalsIgnoreCase(text)).findFirst();
    }
}
