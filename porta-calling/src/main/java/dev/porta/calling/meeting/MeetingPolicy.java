// SPDX-License-Identifier: Apache-2.0
package dev.porta.calling.meeting;

/**
 * The effective policy for one meeting, resolved by the server from tenant and organizer policy.
 *
 * @param tenantAllowsAnonymousJoin    the tenant lets guests join meetings at all
 * @param organizerAllowsAnonymousJoin the organizer's meeting policy lets guests join
 * @param guestCapabilities            what guests may use
 * @param exclusiveScreenShare         one screen share at a time per meeting
 * @param guestIdentitiesVisibleToGuests external participants see guests' ACS identities ({@code 8:acs:…}) in
 *                                       roster and lobby, as in ACS; false (privacy) gives them only the
 *                                       meeting-scoped participant id. Members always see them.
 */
public record MeetingPolicy(boolean tenantAllowsAnonymousJoin, boolean organizerAllowsAnonymousJoin,
                            GuestCapabilities guestCapabilities, boolean exclusiveScreenShare,
                            boolean guestIdentitiesVisibleToGuests) {

    /** A policy under which identities are visible to everyone (the ACS default). */
    public MeetingPolicy(boolean tenantAllowsAnonymousJoin, boolean organizerAllowsAnonymousJoin,
                         GuestCapabilities guestCapabilities, boolean exclusiveScreenShare) {
        this(tenantAllowsAnonymousJoin, organizerAllowsAnonymousJoin, guestCapabilities, exclusiveScreenShare, true);
    }

    public static MeetingPolicy defaults() {
        return new MeetingPolicy(true, true, GuestCapabilities.defaults(), true, true);
    }

    public MeetingPolicy withGuestCapabilities(GuestCapabilities c) {
        return new MeetingPolicy(tenantAllowsAnonymousJoin, organizerAllowsAnonymousJoin, c, exclusiveScreenShare,
                guestIdentitiesVisibleToGuests);
    }

    /** This policy with guests' identities hidden from (or shown to) other external participants. */
    public MeetingPolicy withGuestIdentitiesVisibleToGuests(boolean visible) {
        return new MeetingPolicy(tenantAllowsAnonymousJoin, organizerAllowsAnonymousJoin, guestCapabilities,
                exclusiveScreenShare, visible);
    }
}
