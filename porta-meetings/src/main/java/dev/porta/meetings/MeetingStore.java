// SPDX-License-Identifier: Apache-2.0
package dev.porta.meetings;

import dev.porta.directory.MemberId;
import dev.porta.directory.TenantId;
import java.util.Optional;

/** Persistence of online meetings. Lookups by meeting ID and thread id span tenants: both are globally unique. */
public interface MeetingStore {

    /** Thrown by {@link #insert} when a unique value (meeting ID, thread id, external id) is taken. */
    final class DuplicateException extends RuntimeException {
        public DuplicateException(Throwable cause) {
            super("a unique meeting value is already taken", cause);
        }
    }

    void insert(OnlineMeeting meeting);

    Optional<OnlineMeeting> find(MeetingId id);

    Optional<OnlineMeeting> findByThreadId(String threadId);

    Optional<OnlineMeeting> findByJoinMeetingId(String joinMeetingId);

    Optional<OnlineMeeting> findByExternalId(TenantId tenant, MemberId organizer, String externalId);

    boolean update(OnlineMeeting meeting);

    boolean delete(MeetingId id);
}
