// SPDX-License-Identifier: Apache-2.0
package dev.porta.calling;

/** Display-name rules: trimmed, 1..max characters, no control characters or line/paragraph separators. */
final class DisplayNames {
    private DisplayNames() {
    }

    /** The cleaned name, or null when it breaks a rule. */
    static String validate(String raw, int max) {
        if (raw == null) {
            return null;
        }
        String name = raw.strip();
        if (name.isEmpty() || name.codePointCount(0, name.length()) > max) {
            return null;
        }
        boolean bad = name.codePoints().anyMatch(c -> Character.getType(c) == Character.CONTROL
                || c == '\u2028' || c == '\u2029' || Character.getType(c) == Character.FORMAT && c == '\u202E');
        return bad ? null : name;
    }
}
