// SPDX-License-Identifier: Apache-2.0
package dev.porta.calling.live;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Collection;

/**
 * Resume: each participant holds one secret token (256 random bits) with which a new connection takes its
 * place back after a drop; a used token is replaced at once. The service indexes tokens to find the meeting
 * ({@link LiveMeeting.Registry}); the meeting compares in constant time. Touched only on the meeting's actor.
 */
final class ResumeTokens {
    private final LiveMeeting meeting;
    private final LiveMeeting.Registry registry;

    ResumeTokens(LiveMeeting meeting, LiveMeeting.Registry registry) {
        this.meeting = meeting;
        this.registry = registry;
    }

    /**
     * Gives {@code p} a fresh token (retiring its previous one, if any). In a cluster the token is a signed
     * ticket ({@link ResumeTickets}) saying whether {@code p} is let in, so it is issued again on admission.
     */
    void issue(Participant p, boolean admitted) {
        if (p.resumeToken != null) {
            registry.resumeTokenRetired(p.resumeToken);
        }
        ResumeTickets tickets = registry.tickets();
        p.resumeToken = tickets == null ? LiveMeeting.randomToken(32)
                : tickets.seal(meeting.meetingId(), p.id, p.caller.identity().value(),
                        admitted ? (p.admittedAt != null ? p.admittedAt : meeting.clock.instant()) : null, p.displayName,
                        p.caller.expiresAt());
        registry.resumeTokenIssued(p.resumeToken, meeting);
    }

    /** {@code p} is gone: its token resumes nobody. */
    void retire(Participant p) {
        registry.resumeTokenRetired(p.resumeToken);
    }

    /** The participant among {@code candidates} holding {@code token}, or null. */
    static Participant holder(Collection<Participant> candidates, String token) {
        byte[] wanted = token.getBytes(StandardCharsets.UTF_8);
        for (Participant p : candidates) {
            if (MessageDigest.isEqual(p.resumeToken.getBytes(StandardCharsets.UTF_8), wanted)) {
                return p;
            }
        }
        return null;
    }
}
