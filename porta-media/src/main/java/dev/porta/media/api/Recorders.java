// SPDX-License-Identifier: Apache-2.0
package dev.porta.media.api;

/** Makes the {@link Recorder} for a room's recording (the deployment's choice: files, later another store). */
@FunctionalInterface
public interface Recorders {
    Recorder create(MediaRoomId room, RecordingListener listener);
}
