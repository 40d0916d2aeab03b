// SPDX-License-Identifier: Apache-2.0
package dev.porta.identity;

/** A storage fault inside the identity module; callers answer 500 without details. */
public final class IdentityException extends RuntimeException {
    public IdentityException(String message, Throwable cause) {
        super(message, cause);
    }
}
