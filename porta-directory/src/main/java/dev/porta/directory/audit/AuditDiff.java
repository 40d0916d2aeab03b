// SPDX-License-Identifier: Apache-2.0
package dev.porta.directory.audit;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What changed between two JSON forms of the same thing (a policy, an app), as audit details:
 * one entry per changed field, {@code "old -> new"}; nested objects are named with dots
 * ({@code guestCapabilities.raiseHand}). Only for values that are not secrets.
 */
public final class AuditDiff {
    private AuditDiff() { }

    public static Map<String, String> of(JsonNode before, JsonNode after) {
        Map<String, String> out = new LinkedHashMap<>();
        walk("", before, after, out);
        return out;
    }

    private static void walk(String path, JsonNode before, JsonNode after, Map<String, String> out) {
        if (before != null && after != null && before.isObject() && after.isObject()) {
            java.util.Set<String> names = new java.util.LinkedHashSet<>();
            before.fieldNames().forEachRemaining(names::add);
            after.fieldNames().forEachRemaining(names::add);
            for (String name : names) {
                walk(path.isEmpty() ? name : path + "." + name, before.get(name), after.get(name), out);
            }
            return;
        }
        String b = text(before);
        String a = text(after);
        if (!b.equals(a)) {
            out.put(path, b + " -> " + a);
        }
    }

    private static String text(JsonNode n) {
        if (n == null || n.isMissingNode()) {
            return "(none)";
        }
        return n.isTextual() ? n.textValue() : n.toString();
    }
}
