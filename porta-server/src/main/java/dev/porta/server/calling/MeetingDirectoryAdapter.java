// SPDX-License-Identifier: Apache-2.0
package dev.porta.server.calling;

import dev.porta.calling.meeting.AllowedPresenters;
import dev.porta.calling.meeting.Capability;
import dev.porta.calling.meeting.ChatHistoryShare;
import dev.porta.calling.meeting.ChatMode;
import dev.porta.calling.meeting.DisabledFeature;
import dev.porta.calling.meeting.GuestCapabilities;
import dev.porta.calling.meeting.Invitee;
import dev.porta.calling.meeting.InviteeRole;
import dev.porta.calling.meeting.LobbyAdmitters;
import dev.porta.calling.meeting.LobbyBypassScope;
import dev.porta.calling.meeting.MeetingDetails;
import dev.porta.calling.meeting.MeetingDirectory;
import dev.porta.calling.meeting.MeetingPolicy;
import dev.porta.directory.Directory;
import dev.porta.directory.GuestCapability;
import dev.porta.meetings.JoinableMeeting;
import dev.porta.meetings.MeetingId;
import dev.porta.meetings.MeetingLookup;
import dev.porta.meetings.MeetingStore;
import dev.porta.meetings.OnlineMeeting;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Calling's view of the meetings module: finds a meeting by link or by meeting ID and translates it,
 * with the effective meeting policy, into calling's {@link MeetingDetails}. Calling itself checks the
 * passcode (constant-time, rate-limited), so a lookup by meeting ID hands the passcode over.
 */
public final class MeetingDirectoryAdapter implements MeetingDirectory {
    private final MeetingLookup lookup;
    private final MeetingStore store;
    private final Directory directory;

    public MeetingDirectoryAdapter(MeetingLookup lookup, MeetingStore store, Directory directory) {
        this.lookup = lookup;
        this.store = store;
        this.directory = directory;
    }

    @Override
    public Optional<MeetingDetails> findByJoinWebUrl(String joinWebUrl) {
        return details(lookup.byJoinWebUrl(joinWebUrl), null);
    }

    @Override
    public Optional<MeetingDetails> findByJoinMeetingId(String joinMeetingId) {
        String id = joinMeetingId == null ? "" : joinMeetingId.replace(" ", "");
        if (!id.matches("\\d{6,16}")) {
            return Optional.empty();
        }
        Optional<OnlineMeeting> meeting = store.findByJoinMeetingId(id);
        if (meeting.isEmpty()) {
            return Optional.empty();
        }
        OnlineMeeting m = meeting.get();
        return details(lookup.byId(m.id()), m.passcodeRequired() ? m.passcode() : null);
    }

    @Override
    public Optional<MeetingDetails> findByMeetingId(String meetingId) {
        Optional<OnlineMeeting> meeting = MeetingId.parse(meetingId).flatMap(store::find);
        if (meeting.isEmpty()) {
            return Optional.empty();
        }
        OnlineMeeting m = meeting.get();
        return details(lookup.byId(m.id()), m.passcodeRequired() ? m.passcode() : null);
    }

    private Optional<MeetingDetails> details(MeetingLookup.Result result, String passcode) {
        if (!(result instanceof MeetingLookup.Result.Found found)) {
            return Optional.empty();
        }
        JoinableMeeting m = found.meeting();
        var options = m.options();
        List<Invitee> invitees = m.attendees().stream()
                .map(a -> new Invitee(a.userId(), switch (a.role()) {
                    case PRESENTER -> InviteeRole.PRESENTER;
                    case COORGANIZER -> InviteeRole.COORGANIZER;
                    case ATTENDEE, PRODUCER -> InviteeRole.ATTENDEE;
                }))
                .toList();
        var tenantPolicy = directory.tenantMeetingPolicy(m.tenantId());
        var policy = new MeetingPolicy(tenantPolicy.allowAnonymousJoin(), m.policy().allowAnonymousJoin(),
                guestCapabilities(m.policy().guestCapabilities()), true,
                m.policy().guestCapabilities().contains(GuestCapability.SEE_GUEST_IDENTITIES));
        return Optional.of(new MeetingDetails(m.id().value(), m.tenantId().value(), m.organizer().id().value(), m.subject(),
                m.start(), m.end(),
                LobbyBypassScope.fromWire(m.lobbyBypass().scope().wire()), m.lobbyBypass().dialInBypassEnabled(),
                AllowedPresenters.valueOf(m.allowedPresenters().name()),
                "organizerAndCoOrganizers".equals(options.text("allowedLobbyAdmitters"))
                        ? LobbyAdmitters.ORGANIZER_AND_CO_ORGANIZERS : LobbyAdmitters.ORGANIZER_AND_CO_ORGANIZERS_AND_PRESENTERS,
                invitees,
                switch (options.allowMeetingChat()) {
                    case "disabled" -> ChatMode.DISABLED;
                    case "limited" -> ChatMode.LIMITED;
                    default -> ChatMode.ENABLED;
                },
                "all".equals(options.text("shareMeetingChatHistoryDefault")) ? ChatHistoryShare.ALL : ChatHistoryShare.NONE,
                options.bool("allowAttendeeToEnableMic"), options.bool("allowAttendeeToEnableCamera"),
                options.bool("allowTeamworkReactions"), passcode, policy, disabledFeatures(options),
                options.bool("explicitRecordingConsent")));
    }

    private static Set<DisabledFeature> disabledFeatures(dev.porta.meetings.MeetingOptions options) {
        EnumSet<DisabledFeature> off = EnumSet.noneOf(DisabledFeature.class);
        if (!options.bool("allowRecording")) {
            off.add(DisabledFeature.RECORDING);
        }
        if (!options.bool("allowTranscription")) {
            off.add(DisabledFeature.TRANSCRIPTION);
        }
        if (!options.bool("allowBreakoutRooms")) {
            off.add(DisabledFeature.BREAKOUT_ROOMS);
        }
        return off;
    }

    /**
     * The directory's guest capability matrix in calling's terms. Nothing is granted that the policy does
     * not name: moderation and the presenter role are guest capabilities like any other.
     */
    static GuestCapabilities guestCapabilities(java.util.Set<GuestCapability> granted) {
        EnumSet<Capability> out = EnumSet.noneOf(Capability.class);
        for (GuestCapability g : granted) {
            switch (g) {
                case AUDIO -> out.add(Capability.AUDIO);
                case VIDEO -> out.add(Capability.VIDEO);
                case SCREEN_SHARING -> out.add(Capability.SCREEN_SHARE);
                case CHAT -> out.add(Capability.CHAT);
                case RAISE_HAND -> out.add(Capability.RAISE_HAND);
                case REACTIONS -> out.add(Capability.REACTIONS);
                case TOGETHER_MODE -> out.add(Capability.TOGETHER_MODE);
                case BREAKOUT_ROOMS -> out.add(Capability.BREAKOUT_ROOMS);
                case ADMIT_FROM_LOBBY -> out.add(Capability.ADMIT_FROM_LOBBY);
                case MANAGE_PARTICIPANTS -> out.add(Capability.MANAGE_PARTICIPANTS);
                case PRESENT -> { } // a role, not an action: below
                case MANAGE_RECORDING -> out.add(Capability.MANAGE_RECORDING);
                case SPOTLIGHT, CAPTIONS, WHITEBOARD -> { } // no such feature in a Porta meeting yet
                case SEE_GUEST_IDENTITIES -> { } // what the roster shows, not an action: the policy's flag above
            }
        }
        return new GuestCapabilities(out, granted.contains(GuestCapability.PRESENT));
    }
}
