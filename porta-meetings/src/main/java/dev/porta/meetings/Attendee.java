// SPDX-License-Identifier: Apache-2.0
package dev.porta.meetings;

/**
 * An invited participant as Graph's {@code meetingParticipantInfo} carries it. The user id need not be a
 * member of this tenant (federated users, or a guest's communication identity); empty strings mean
 * "not given".
 */
public record Attendee(String userId, String displayName, String userPrincipalName, MeetingRole role) { }
