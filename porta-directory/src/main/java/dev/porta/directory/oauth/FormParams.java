// SPDX-License-Identifier: Apache-2.0
package dev.porta.directory.oauth;

import io.javalin.http.Context;

/** Reading the token endpoint's form parameters, and quoting what a client sent back in an error safely. */
final class FormParams {
    /** Longer values are treated as absent: no parameter of these grants is near this long. */
    static final int MAX_PARAM = 2048;

    private FormParams() { }

    /** The form parameter, or null when absent, blank or longer than {@link #MAX_PARAM}. */
    static String param(Context ctx, String name) {
        String v = ctx.formParam(name);
        return v == null || v.isBlank() || v.length() > MAX_PARAM ? null : v;
    }

    /** {@code s} without control characters and cut to 100, for echoing in an error description. */
    static String clip(String s) {
        String t = s == null ? "" : s.replaceAll("[\\p{Cntrl}]", "");
        return t.length() <= 100 ? t : t.substring(0, 100) + "...";
    }
}
