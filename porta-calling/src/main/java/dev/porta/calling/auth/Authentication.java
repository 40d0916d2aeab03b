// SPDX-License-Identifier: Apache-2.0
package dev.porta.calling.auth;

/** The result of checking a bearer token: an authenticated caller, or why not. */
public sealed interface Authentication {
    record Authenticated(Caller caller) implements Authentication { }

    record Refused(TokenRefusal reason) implements Authentication { }
}
