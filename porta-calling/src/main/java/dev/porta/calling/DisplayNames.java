// SPDX-License-Identifier: Apache-2.0
package dev.porta.calling;

import java.util.Set;

/**
 * Display-name rules: whitespace runs collapse to one space and the ends are trimmed; 1..max code points;
 * no invisible or layout-changing characters, so a guest cannot pass for someone else (review L6): no
 * control, format (bidi overrides and isolates, zero-width characters), separator, private-use,
 * unassigned or lone surrogate code points, no blank-looking "fillers", at most a few combining marks in
 * a row, and at least one visible letter, digit, punctuation or symbol.
 */
final class DisplayNames {
    /** Letters and symbols that render as blank space but are not whitespace. */
    private static final Set<Integer> FILLERS = Set.of(0x115F, 0x1160, 0x3164, 0xFFA0, 0x2800, 0x034F, 0x17B4, 0x17B5,
            0x180E, 0x1D159, 0x133FC);
    private static final int MAX_COMBINING_RUN = 4;
    private static final int ZERO_WIDTH_JOINER = 0x200D;
    private static final int EMOJI_PRESENTATION = 0xFE0F;

    private DisplayNames() {
    }

    /** The cleaned name, or null when it breaks a rule. */
    static String validate(String raw, int max) {
        if (raw == null) {
            return null;
        }
        StringBuilder out = new StringBuilder(raw.length());
        boolean pendingSpace = false;
        boolean visible = false;
        int combiningRun = 0;
        for (int i = 0; i < raw.length(); ) {
            int c = raw.codePointAt(i);
            i += Character.charCount(c);
            if (c == '\t' || c == '\n' || c == '\r' || (Character.isSpaceChar(c) && Character.getType(c) == Character.SPACE_SEPARATOR)) {
                pendingSpace = out.length() > 0;
                continue;
            }
            if (c == ZERO_WIDTH_JOINER && !pendingSpace && joinsTwoEmoji(out, raw, i)) {
                out.appendCodePoint(c); // family, profession and flag emoji are sequences held by ZWJ
                combiningRun = 0;
                continue;
            }
            if (refused(c)) {
                return null;
            }
            int type = Character.getType(c);
            boolean combining = type == Character.NON_SPACING_MARK || type == Character.ENCLOSING_MARK
                    || type == Character.COMBINING_SPACING_MARK;
            combiningRun = combining ? combiningRun + 1 : 0;
            if (combiningRun > MAX_COMBINING_RUN) {
                return null;
            }
            visible |= !combining;
            if (pendingSpace) {
                out.append(' ');
                pendingSpace = false;
            }
            out.appendCodePoint(c);
        }
        String name = out.toString();
        if (!visible || name.isEmpty() || name.codePointCount(0, name.length()) > max) {
            return null;
        }
        return name;
    }

    /**
     * A zero-width joiner is allowed only inside an emoji sequence (👩‍💻, 🏳️‍🌈): after a pictograph,
     * possibly followed by its presentation selector or skin-tone modifier, and before another
     * pictograph. Anywhere else it is invisible and refused like the other format characters.
     */
    private static boolean joinsTwoEmoji(CharSequence before, String raw, int next) {
        if (before.isEmpty() || next >= raw.length() || !Character.isExtendedPictographic(raw.codePointAt(next))) {
            return false;
        }
        int end = before.length();
        int last = Character.codePointBefore(before, end);
        if (last == EMOJI_PRESENTATION || Character.isEmojiModifier(last)) {
            end -= Character.charCount(last);
            if (end == 0) {
                return false;
            }
            last = Character.codePointBefore(before, end);
        }
        return Character.isExtendedPictographic(last);
    }

    private static boolean refused(int c) {
        return switch (Character.getType(c)) {
            case Character.CONTROL, Character.FORMAT, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR,
                 Character.PRIVATE_USE, Character.SURROGATE, Character.UNASSIGNED -> true;
            default -> FILLERS.contains(c) || (c >= 0xFE00 && c <= 0xFE0E) || (c >= 0xE0100 && c <= 0xE01EF);
        };
    }
}
