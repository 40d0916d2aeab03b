// SPDX-License-Identifier: Apache-2.0
package dev.porta.media.api;

/** The state of a participant's media transport (both peer connections). */
public enum TransportState { CONNECTING, CONNECTED, DISCONNECTED, FAILED, CLOSED }
