// SPDX-License-Identifier: Apache-2.0
package dev.porta.meetings.graph;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Graph {@code $filter} of the only shape Porta answers, {@code <property> eq '<literal>'}, with the
 * OData rule that a quote inside the literal is doubled. The literal is only ever used as a bound
 * value, never as query text. Parsing never throws: anything else is simply not a filter.
 *
 * @param property the property as written (compare ignoring case)
 * @param literal  the string literal as written, quotes still doubled
 */
record GraphFilter(String property, String literal) {
    static final int MAX_CHARS = 4096;
    private static final Pattern FILTER = Pattern.compile(
            "^\\s*(JoinWebUrl|joinMeetingIdSettings/joinMeetingId|VideoTeleconferenceId)\\s+eq\\s+'(.*)'\\s*$",
            Pattern.CASE_INSENSITIVE | Pattern.DOTALL);

    /** The filter in {@code text}; empty when it is missing, too long or not of the supported shape. */
    static Optional<GraphFilter> parse(String text) {
        if (text == null || text.length() > MAX_CHARS) {
            return Optional.empty();
        }
        Matcher m = FILTER.matcher(text);
        return m.matches() ? Optional.of(new GraphFilter(m.group(1), m.group(2))) : Optional.empty();
    }

    /** The property in lower case, for a switch. */
    String propertyKey() {
        return property.toLowerCase(Locale.ROOT);
    }

    /** The literal's value with doubled quotes undone; empty when it holds a lone quote. */
    Optional<String> value() {
        return literal.replace("''", "").contains("'") ? Optional.empty() : Optional.of(literal.replace("''", "'"));
    }
}
