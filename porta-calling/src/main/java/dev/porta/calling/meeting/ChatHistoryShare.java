// SPDX-License-Identifier: Apache-2.0
package dev.porta.calling.meeting;

/**
 * Graph {@code shareMeetingChatHistoryDefault}: whether someone joining late sees the chat from before
 * they joined ({@code ALL}, members only) or only from their own admission on ({@code NONE}).
 */
public enum ChatHistoryShare { NONE, ALL }
