// SPDX-License-Identifier: Apache-2.0
package dev.porta.calling.chat;

import java.time.Instant;

/** That the participant {@code readerRawId} (an ACS raw id) has read a meeting's chat up to {@code messageId}. */
public record ReadReceipt(String readerRawId, String messageId, Instant readOn) { }
