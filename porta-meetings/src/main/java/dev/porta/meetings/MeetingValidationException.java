// SPDX-License-Identifier: Apache-2.0
package dev.porta.meetings;

/** Bad meeting input; {@link #field()} names the property at fault (Graph answers 400 BadRequest). */
public final class MeetingValidationException extends RuntimeException {
    private final String field;

    public MeetingValidationException(String field, String message) {
        super(message);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
