// SPDX-License-Identifier: Apache-2.0
package dev.porta.calling.meeting;

/** Graph {@code allowedLobbyAdmitters}: whether presenters may admit, besides the organizer. */
public enum LobbyAdmitters { ORGANIZER_AND_CO_ORGANIZERS_AND_PRESENTERS, ORGANIZER_AND_CO_ORGANIZERS }
