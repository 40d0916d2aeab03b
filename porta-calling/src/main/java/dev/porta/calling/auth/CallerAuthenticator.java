// SPDX-License-Identifier: Apache-2.0
package dev.porta.calling.auth;

/**
 * Port: checks a bearer token (signature, expiry, revocation, and for guests the token's scopes) and
 * says who holds it. The server implements it over the identity module (communication access tokens)
 * and the directory (member tokens). Must be fast and must not block for long: it runs on the
 * connection's thread.
 */
public interface CallerAuthenticator {
    Authentication authenticate(String bearerToken);
}
