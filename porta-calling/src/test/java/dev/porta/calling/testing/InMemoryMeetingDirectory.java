// SPDX-License-Identifier: Apache-2.0
package dev.porta.calling.testing;

import dev.porta.calling.meeting.AllowedPresenters;
import dev.porta.calling.meeting.ChatHistoryShare;
import dev.porta.calling.meeting.ChatMode;
import dev.porta.calling.meeting.Invitee;
import dev.porta.calling.meeting.LobbyAdmitters;
import dev.porta.calling.meeting.LobbyBypassScope;
import dev.porta.calling.meeting.MeetingDetails;
import dev.porta.calling.meeting.MeetingDirectory;
import dev.porta.calling.meeting.MeetingPolicy;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Meetings held in a map, by join link and by join meeting ID. */
public final class InMemoryMeetingDirectory implements MeetingDirectory {
    public static final String TENANT = "tenant-contoso";
    public static final String ORGANIZER = "member-organizer";

    private final Map<String, MeetingDetails> byLink = new ConcurrentHashMap<>();
    private final Map<String, MeetingDetails> byJoinId = new ConcurrentHashMap<>();
    private int counter;

    /** A meeting spanning {@code start}..{@code end}; returns its join link. Its join meeting ID is link's suffix. */
    public synchronized String add(Instant start, Instant end, LobbyBypassScope scope, AllowedPresenters presenters,
                                   List<Invitee> invitees, MeetingPolicy policy) {
        counter++;
        String id = "meeting-" + counter;
        MeetingDetails d = new MeetingDetails(id, TENANT, ORGANIZER, "Support call " + counter, start, end, scope, false,
                presenters, LobbyAdmitters.ORGANIZER_AND_CO_ORGANIZERS_AND_PRESENTERS, invitees, ChatMode.ENABLED, ChatHistoryShare.NONE,
                true, true, true, "Xy7Qp2", policy, Set.of(), false);
        String link = "https://porta.test/l/meetup-join/19%3ameeting_" + counter + "%40thread.v2/0";
        byLink.put(link, d);
        byJoinId.put(joinMeetingId(link), d);
        return link;
    }

    /** Changes the chat options of the meeting behind {@code link}. */
    public void setChat(String link, ChatMode chat, ChatHistoryShare share) {
        update(link, byLink.get(link).withChat(chat, share));
    }

    public void update(String link, MeetingDetails d) {
        byLink.put(link, d);
        byJoinId.put(joinMeetingId(link), d);
    }

    public MeetingDetails details(String link) {
        return byLink.get(link);
    }

    public static String joinMeetingId(String link) {
        return "878728" + String.format("%04d", Integer.parseInt(link.replaceAll(".*meeting_(\\d+)%40.*", "$1")));
    }

    @Override
    public Optional<MeetingDetails> findByJoinWebUrl(String joinWebUrl) {
        return Optional.ofNullable(byLink.get(joinWebUrl));
    }

    @Override
    public Optional<MeetingDetails> findByJoinMeetingId(String joinMeetingId) {
        return Optional.ofNullable(byJoinId.get(joinMeetingId));
    }
}
