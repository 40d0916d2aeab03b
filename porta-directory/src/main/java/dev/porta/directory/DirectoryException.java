// SPDX-License-Identifier: Apache-2.0
package dev.porta.directory;

/**
 * A directory operation refused: bad input ({@link Kind#INVALID}, naming the field), something that
 * does not exist ({@link Kind#NOT_FOUND}) or already exists ({@link Kind#CONFLICT}). Admin surfaces map
 * the kind to 400, 404 and 409.
 */
public final class DirectoryException extends RuntimeException {
    public enum Kind { INVALID, NOT_FOUND, CONFLICT }

    private final Kind kind;
    private final String field;

    public DirectoryException(Kind kind, String field, String message) {
        super(message);
        this.kind = kind;
        this.field = field;
    }

    public static DirectoryException invalid(String field, String message) {
        return new DirectoryException(Kind.INVALID, field, message);
    }

    public static DirectoryException notFound(String what) {
        return new DirectoryException(Kind.NOT_FOUND, "", what + " does not exist.");
    }

    public Kind kind() {
        return kind;
    }

    /** The input field at fault; empty when none. */
    public String field() {
        return field;
    }
}
