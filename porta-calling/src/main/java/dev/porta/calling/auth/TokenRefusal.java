// SPDX-License-Identifier: Apache-2.0
package dev.porta.calling.auth;

/** Why a bearer token was not accepted. */
public enum TokenRefusal { INVALID, EXPIRED, REVOKED, WRONG_SCOPE }
