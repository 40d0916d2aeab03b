// SPDX-License-Identifier: Apache-2.0
package dev.porta.calling;

import dev.porta.calling.live.LiveMeeting;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Every live meeting in this process: the router of a single node. Both maps are bounded by what they
 * index: one entry per live meeting, one per participant's current resume token.
 */
public final class LocalMeetingRouter implements MeetingRouter {
    private final Map<String, LiveMeeting> meetings = new ConcurrentHashMap<>();
    private final Map<String, LiveMeeting> resumeIndex = new ConcurrentHashMap<>();

    @Override
    public LiveMeeting liveMeeting(String meetingId, Function<String, LiveMeeting> start) {
        return meetings.computeIfAbsent(meetingId, start);
    }

    @Override
    public Optional<LiveMeeting> find(String meetingId) {
        return Optional.ofNullable(meetings.get(meetingId));
    }

    @Override
    public void closed(LiveMeeting meeting) {
        meetings.remove(meeting.meetingId(), meeting);
    }

    @Override
    public Collection<LiveMeeting> all() {
        return List.copyOf(meetings.values());
    }

    @Override
    public void resumeTokenIssued(String token, LiveMeeting meeting) {
        resumeIndex.put(token, meeting);
    }

    @Override
    public void resumeTokenRetired(String token) {
        resumeIndex.remove(token);
    }

    @Override
    public Optional<LiveMeeting> byResumeToken(String token) {
        return Optional.ofNullable(resumeIndex.get(token));
    }
}
