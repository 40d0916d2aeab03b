// SPDX-License-Identifier: Apache-2.0
package dev.porta.calling.meeting;

/** A listed attendee: a member id or a guest's ACS identity id, with the role the organizer gave them. */
public record Invitee(String identityId, InviteeRole role) { }
