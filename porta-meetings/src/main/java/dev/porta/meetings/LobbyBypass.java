// SPDX-License-Identifier: Apache-2.0
package dev.porta.meetings;

import dev.porta.directory.LobbyBypassScope;

/** Who skips the lobby (Graph {@code lobbyBypassSettings}). */
public record LobbyBypass(LobbyBypassScope scope, boolean dialInBypassEnabled) { }
