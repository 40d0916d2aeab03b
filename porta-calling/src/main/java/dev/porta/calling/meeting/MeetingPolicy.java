// SPDX-License-Identifier: Apache-2.0
package dev.porta.calling.meeting;

/**
 * The effective policy for one meeting, resolved by the server from tenant and organizer policy.
 *
 * @param tenantAllowsAnonymousJoin    the tenant lets guests join meetings at all
 * @param organizerAllowsAnonymousJoin the organizer's meeting policy lets guests join
 * @param guestCapabilities            what guests may use
 * @param exclusiveScreenShare         one screen share at a time per meeting
 */
public record MeetingPolicy(boolean tenantAllowsAnonymousJoin, boolean organizerAllowsAnonymousJoin,
                            GuestCapabilities guestCapabilities, boolean exclusiveScreenShare) {

    public static MeetingPolicy defaults() {
        return new MeetingPolicy(true, true, GuestCapabilities.defaults(), true);
    }

    public MeetingPolicy withGuestCapabilities(GuestCapabilities c) {
        return new MeetingPolicy(tenantAllowsAnonymousJoin, organizerAllowsAnonymousJoin, c, exclusiveScreenShare);
    }
}
