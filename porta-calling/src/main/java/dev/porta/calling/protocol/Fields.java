// SPDX-License-Identifier: Apache-2.0
package dev.porta.calling.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import dev.porta.media.api.TrackSource;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** Strict reads of one JSON object's fields; refuses fields that were never read (unknown fields). */
final class Fields {
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_.:-]{1,64}");

    /** Thrown for a bad field; the decoder turns it into the right {@link ProtocolViolation}. */
    static final class BadField extends Exception {
        BadField(String message) {
            super(message, null, false, false);
        }
    }

    private final JsonNode node;
    private final String where;
    private final Set<String> read = new HashSet<>();

    Fields(JsonNode node, String where) {
        this.node = node;
        this.where = where;
    }

    void markRead(String name) {
        read.add(name);
    }

    String requiredString(String name, int min, int max) throws BadField {
        String s = optionalString(name, min, max);
        if (s == null) {
            throw new BadField(where + "." + name + " is required");
        }
        return s;
    }

    String optionalString(String name, int min, int max) throws BadField {
        read.add(name);
        JsonNode v = node.get(name);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw new BadField(where + "." + name + " must be a string");
        }
        String s = v.asText();
        if (s.length() < min || s.length() > max) {
            throw new BadField(where + "." + name + " must have " + min + " to " + max + " characters");
        }
        return s;
    }

    String participantId(String name) throws BadField {
        String s = requiredString(name, 1, 64);
        if (!ID.matcher(s).matches()) {
            throw new BadField(where + "." + name + " is not a participant id");
        }
        return s;
    }

    boolean bool(String name, Boolean dflt) throws BadField {
        read.add(name);
        JsonNode v = node.get(name);
        if (v == null || v.isNull()) {
            if (dflt == null) {
                throw new BadField(where + "." + name + " is required");
            }
            return dflt;
        }
        if (!v.isBoolean()) {
            throw new BadField(where + "." + name + " must be true or false");
        }
        return v.asBoolean();
    }

    int integer(String name, int min, int max) throws BadField {
        read.add(name);
        JsonNode v = node.get(name);
        if (v == null || !v.isIntegralNumber() || !v.canConvertToInt() || v.asInt() < min || v.asInt() > max) {
            throw new BadField(where + "." + name + " must be a whole number from " + min + " to " + max);
        }
        return v.asInt();
    }

    /** As {@link #integer}, {@code absent} when the field is missing or null. */
    int integer(String name, int min, int max, int absent) throws BadField {
        JsonNode v = node.get(name);
        if (v == null || v.isNull()) {
            read.add(name);
            return absent;
        }
        return integer(name, min, max);
    }

    TrackSource source(String name) throws BadField {
        return sourceValue(name, requiredString(name, 1, 20));
    }

    private TrackSource sourceValue(String name, String s) throws BadField {
        for (TrackSource t : TrackSource.values()) {
            if (t.wireName().equals(s)) {
                return t;
            }
        }
        throw new BadField(where + "." + name + " must be microphone, camera or screen");
    }

    String oneOf(String name, Set<String> allowed) throws BadField {
        String s = requiredString(name, 1, 40);
        if (!allowed.contains(s)) {
            throw new BadField(where + "." + name + " must be one of " + allowed);
        }
        return s;
    }

    List<String> strings(String name, int maxItems, int minLen, int maxLen, boolean ids) throws BadField {
        read.add(name);
        JsonNode v = node.get(name);
        if (v == null || !v.isArray() || v.size() > maxItems) {
            throw new BadField(where + "." + name + " must be an array of at most " + maxItems + " strings");
        }
        List<String> out = new ArrayList<>(v.size());
        for (JsonNode e : v) {
            if (!e.isTextual() || e.asText().length() < minLen || e.asText().length() > maxLen
                    || (ids && !ID.matcher(e.asText()).matches())) {
                throw new BadField(where + "." + name + " has an invalid entry");
            }
            out.add(e.asText());
        }
        return List.copyOf(out);
    }

    Map<String, TrackSource> sourcesByMid(String name) throws BadField {
        read.add(name);
        JsonNode v = node.get(name);
        if (v == null || !v.isObject() || v.size() > 16) {
            throw new BadField(where + "." + name + " must be an object of at most 16 mid: source entries");
        }
        Map<String, TrackSource> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().isEmpty() || e.getKey().length() > 32 || !e.getValue().isTextual()) {
                throw new BadField(where + "." + name + " has an invalid entry");
            }
            out.put(e.getKey(), sourceValue(name, e.getValue().asText().toLowerCase(Locale.ROOT)));
        }
        return out;
    }

    JsonNode object(String name) throws BadField {
        read.add(name);
        JsonNode v = node.get(name);
        if (v == null || !v.isObject()) {
            throw new BadField(where + "." + name + " must be an object");
        }
        return v;
    }

    /** Fails when the object has a field nothing read. */
    void noOthers() throws BadField {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!read.contains(f)) {
                throw new BadField(where + " has an unknown field '" + truncate(f) + "'");
            }
        }
    }

    static boolean isRequestId(String s) {
        return ID.matcher(s).matches();
    }

    private static String truncate(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "…" : s;
    }
}
