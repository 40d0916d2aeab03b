// SPDX-License-Identifier: Apache-2.0
package dev.porta.calling.meeting;

import java.util.Optional;

/**
 * Port: finds online meetings and their effective policy. The server implements it over the meetings
 * and directory modules. Calling compares passcodes itself (constant time) and rate-limits attempts.
 */
public interface MeetingDirectory {

    /** The meeting whose {@code joinWebUrl} is {@code joinWebUrl} (as the client sent it). */
    Optional<MeetingDetails> findByJoinWebUrl(String joinWebUrl);

    /** The meeting whose {@code joinMeetingIdSettings.joinMeetingId} is {@code joinMeetingId}. */
    Optional<MeetingDetails> findByJoinMeetingId(String joinMeetingId);

    /** The meeting whose id is {@code meetingId} ({@link MeetingDetails#meetingId()}); for a resume on a new home. */
    default Optional<MeetingDetails> findByMeetingId(String meetingId) {
        return Optional.empty();
    }
}
