// SPDX-License-Identifier: Apache-2.0
package dev.porta.calling;

import dev.porta.calling.live.LiveMeeting;
import java.util.Collection;
import java.util.Optional;
import java.util.function.Function;

/**
 * How the calling service finds a live meeting: by meeting ID for a join or the Chat API, by resume token
 * for a resume. The wiring chooses the implementation once: {@link LocalMeetingRouter} keeps every meeting
 * in this process (one node). A cluster's router asks its placement (which node is the meeting's home)
 * before answering, and answers only for meetings whose home is this node.
 */
public interface MeetingRouter {

    /**
     * The live meeting with {@code meetingId} on this node, started by {@code start} when there is none. A
     * meeting that has just closed may still be returned; its join answers null and the caller asks again.
     */
    LiveMeeting liveMeeting(String meetingId, Function<String, LiveMeeting> start);

    /** The live meeting with {@code meetingId} on this node, if one is running. */
    Optional<LiveMeeting> find(String meetingId);

    /** The meeting ended: it is no longer found (a later join starts a new one). */
    void closed(LiveMeeting meeting);

    /** Every live meeting on this node (sweep, revocation, shutdown, stats). */
    Collection<LiveMeeting> all();

    /** {@code token} now resumes a participant of {@code meeting}. */
    void resumeTokenIssued(String token, LiveMeeting meeting);

    /** {@code token} resumes nobody any more. */
    void resumeTokenRetired(String token);

    /** The meeting whose participant {@code token} resumes, if any. */
    Optional<LiveMeeting> byResumeToken(String token);
}
