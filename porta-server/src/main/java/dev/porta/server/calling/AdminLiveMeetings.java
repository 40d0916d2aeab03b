// SPDX-License-Identifier: Apache-2.0
package dev.porta.server.calling;

import dev.porta.calling.CallingService;
import dev.porta.calling.live.Moderation;
import dev.porta.directory.TenantId;
import dev.porta.directory.admin.LiveMeetings;
import java.util.List;

/** The calling service's live meetings, as the admin API shows them (the directory does not know calling). */
public final class AdminLiveMeetings implements LiveMeetings {
    private final CallingService calling;

    public AdminLiveMeetings(CallingService calling) {
        this.calling = calling;
    }

    @Override
    public List<Meeting> of(TenantId tenant) {
        return calling.liveMeetings(tenant.value()).stream().map(AdminLiveMeetings::meeting).toList();
    }

    @Override
    public boolean end(TenantId tenant, String meetingId) {
        return calling.endMeeting(tenant.value(), meetingId);
    }

    @Override
    public boolean remove(TenantId tenant, String meetingId, String participantId) {
        return calling.removeParticipant(tenant.value(), meetingId, participantId);
    }

    private static Meeting meeting(Moderation.AdminView v) {
        return new Meeting(v.meetingId(), v.subject(), v.organizerMemberId(), v.people().stream()
                .map(p -> new Person(p.participantId(), p.displayName(), p.role(), p.guest(), p.inLobby())).toList());
    }
}
