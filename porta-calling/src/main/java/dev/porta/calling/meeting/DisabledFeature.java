// SPDX-License-Identifier: Apache-2.0
package dev.porta.calling.meeting;

/** A feature a meeting option turns off: {@code allowRecording}, {@code allowTranscription}, {@code allowBreakoutRooms}. */
public enum DisabledFeature { RECORDING, TRANSCRIPTION, BREAKOUT_ROOMS }
