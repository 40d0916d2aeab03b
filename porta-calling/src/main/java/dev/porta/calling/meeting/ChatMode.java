// SPDX-License-Identifier: Apache-2.0
package dev.porta.calling.meeting;

/** Graph {@code allowMeetingChat}; {@code LIMITED} allows chat while the meeting runs, which is always the case here. */
public enum ChatMode { ENABLED, DISABLED, LIMITED }
