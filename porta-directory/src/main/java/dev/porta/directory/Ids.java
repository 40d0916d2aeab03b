// SPDX-License-Identifier: Apache-2.0
package dev.porta.directory;

import java.util.Locale;
import java.util.UUID;
import java.util.regex.Pattern;

/** Checks shared by the directory's typed ids: every id is a lower-case UUID, as Entra ID's are. */
public final class Ids {
    private static final Pattern UUID_TEXT = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    private Ids() { }

    static String requireUuid(String value, String what) {
        if (value == null || !UUID_TEXT.matcher(value).matches()) {
            throw new IllegalArgumentException(what + " must be a lower-case UUID");
        }
        return value;
    }

    /** True when {@code value} is a UUID in any letter case; callers lower-case it before use. */
    public static boolean isUuid(String value) {
        return value != null && value.length() == 36 && UUID_TEXT.matcher(value.toLowerCase(Locale.ROOT)).matches();
    }

    static String newUuid() {
        return UUID.randomUUID().toString();
    }
}
