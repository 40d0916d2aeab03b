// SPDX-License-Identifier: Apache-2.0
package dev.porta.calling.meeting;

/** Graph {@code allowedPresenters}: who gets the presenter role on entry. */
public enum AllowedPresenters { EVERYONE, ORGANIZATION, ROLE_IS_PRESENTER, ORGANIZER }
