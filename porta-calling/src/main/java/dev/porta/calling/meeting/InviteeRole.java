// SPDX-License-Identifier: Apache-2.0
package dev.porta.calling.meeting;

/** Graph {@code onlineMeetingRole} of a listed attendee. */
public enum InviteeRole { ATTENDEE, PRESENTER, COORGANIZER }
