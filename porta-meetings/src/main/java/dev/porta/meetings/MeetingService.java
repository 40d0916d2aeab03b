// SPDX-License-Identifier: Apache-2.0
package dev.porta.meetings;

import dev.porta.directory.Directory;
import dev.porta.directory.LobbyBypassScope;
import dev.porta.directory.MeetingPolicy;
import dev.porta.directory.MemberId;
import dev.porta.directory.TenantId;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Online meetings of an organizer: creation with generated meeting ID, passcode and thread, lookups,
 * changes and deletion. Authorization (who may act for the organizer) is the caller's job; the
 * organizer's meeting policy (allowed lobby bypass scopes) is enforced here.
 */
public final class MeetingService {
    private static final String PASSCODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZabcdefghjkmnpqrstuvwxyz23456789";
    private static final int CREATE_ATTEMPTS = 5;

    private final MeetingStore store;
    private final Directory directory;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    /** The outcome of createOrGet: the meeting, and whether this call created it. */
    public record CreateOrGet(OnlineMeeting meeting, boolean created) { }

    public MeetingService(MeetingStore store, Directory directory, Clock clock) {
        this.store = store;
        this.directory = directory;
        this.clock = clock;
    }

    /**
     * A new, unsaved meeting with generated identifiers and Graph's defaults, to apply a request body to.
     * One deliberate difference: {@code allowedPresenters} defaults to {@code organization}, not Teams'
     * usual {@code everyone}, so guests and other tenants' members attend unless the request says otherwise
     * (docs/graph-compatibility.md).
     */
    public OnlineMeeting draft(TenantId tenant, MemberId organizer) {
        Instant now = clock.instant();
        return new OnlineMeeting(MeetingId.random(), tenant, organizer, null, now, now.plus(Duration.ofHours(1)), now, null, null,
                joinMeetingId(), passcode(), true, JoinLinks.newThreadId(), List.of(),
                new LobbyBypass(LobbyBypassScope.ORGANIZATION, false), AllowedPresenters.ORGANIZATION, MeetingOptions.defaults());
    }

    public OnlineMeeting create(OnlineMeeting draft) {
        checkPolicy(null, draft);
        for (int attempt = 1; ; attempt++) {
            try {
                store.insert(draft);
                return draft;
            } catch (MeetingStore.DuplicateException e) {
                if (draft.externalId() != null && store.findByExternalId(draft.tenantId(), draft.organizerId(), draft.externalId()).isPresent()) {
                    throw new MeetingValidationException("externalId", "A meeting with this externalId already exists; use createOrGet.");
                }
                if (attempt == CREATE_ATTEMPTS) {
                    throw e;
                }
                draft = regenerated(draft);
            }
        }
    }

    /** Finds the organizer's meeting with this external id, or creates {@code draft} (which carries it). */
    public CreateOrGet createOrGet(OnlineMeeting draft) {
        Optional<OnlineMeeting> existing = store.findByExternalId(draft.tenantId(), draft.organizerId(), draft.externalId())
                .filter(this::current);
        if (existing.isPresent()) {
            return new CreateOrGet(existing.get(), false);
        }
        try {
            return new CreateOrGet(create(draft), true);
        } catch (MeetingValidationException e) {
            // Another request created it in between.
            return store.findByExternalId(draft.tenantId(), draft.organizerId(), draft.externalId())
                    .map(m -> new CreateOrGet(m, false)).orElseThrow(() -> e);
        }
    }

    /** The organizer's meeting; empty when unknown, expired, or someone else's. */
    public Optional<OnlineMeeting> find(TenantId tenant, MemberId organizer, MeetingId id) {
        return store.find(id).filter(m -> owned(m, tenant, organizer));
    }

    public Optional<OnlineMeeting> findByThreadId(TenantId tenant, MemberId organizer, String threadId) {
        return store.findByThreadId(threadId).filter(m -> owned(m, tenant, organizer));
    }

    public Optional<OnlineMeeting> findByJoinMeetingId(TenantId tenant, MemberId organizer, String joinMeetingId) {
        return store.findByJoinMeetingId(joinMeetingId).filter(m -> owned(m, tenant, organizer));
    }

    /** Saves a changed meeting (from {@code before}); false when it was deleted meanwhile. */
    public boolean update(OnlineMeeting before, OnlineMeeting after) {
        checkPolicy(before, after);
        return store.update(after);
    }

    public boolean delete(OnlineMeeting meeting) {
        return store.delete(meeting.id());
    }

    /** Organizers choose only lobby bypass scopes their meeting policy allows. */
    private void checkPolicy(OnlineMeeting before, OnlineMeeting after) {
        LobbyBypassScope scope = after.lobbyBypass().scope();
        if (before != null && before.lobbyBypass().scope() == scope) {
            return;
        }
        MeetingPolicy policy = directory.effectiveMeetingPolicy(after.tenantId(), after.organizerId());
        if (!policy.allowedLobbyBypassScopes().contains(scope) && !(before == null && scope == LobbyBypassScope.ORGANIZATION)) {
            throw new MeetingValidationException("lobbyBypassSettings.scope", "lobbyBypassSettings.scope '" + scope.wire()
                    + "' is not allowed by the organizer's meeting policy.");
        }
    }

    private boolean owned(OnlineMeeting m, TenantId tenant, MemberId organizer) {
        return m.tenantId().equals(tenant) && m.organizerId().equals(organizer) && current(m);
    }

    private boolean current(OnlineMeeting m) {
        return clock.instant().isBefore(m.effectiveExpiry());
    }

    private OnlineMeeting regenerated(OnlineMeeting m) {
        return new OnlineMeeting(MeetingId.random(), m.tenantId(), m.organizerId(), m.subject(), m.start(), m.end(), m.created(),
                m.expiry(), m.externalId(), joinMeetingId(), passcode(), m.passcodeRequired(), JoinLinks.newThreadId(),
                m.attendees(), m.lobbyBypass(), m.allowedPresenters(), m.options());
    }

    private String joinMeetingId() {
        StringBuilder b = new StringBuilder().append(1 + random.nextInt(9));
        for (int i = 1; i < 12; i++) {
            b.append(random.nextInt(10));
        }
        return b.toString();
    }

    private String passcode() {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 6; i++) {
            b.append(PASSCODE_ALPHABET.charAt(random.nextInt(PASSCODE_ALPHABET.length())));
        }
        return b.toString();
    }
}
