// SPDX-License-Identifier: Apache-2.0
package dev.porta.meetings;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A meeting's options — the {@code allow…} switches and related settings of Graph's onlineMeeting —
 * held by wire name. {@link #SCHEMA} lists every option with its type (boolean, or the allowed enum
 * values); the calling service reads them through the typed accessors.
 */
public record MeetingOptions(Map<String, Object> values) {

    /** An option's type: boolean, or one of a set of enum wire values (evolvable ones after the first list). */
    public record Type(boolean isBoolean, List<String> values, List<String> evolvable) {
        static Type bool() {
            return new Type(true, List.of(), List.of());
        }

        static Type oneOf(List<String> values, List<String> evolvable) {
            return new Type(false, values, evolvable);
        }

        public boolean allows(String v) {
            return values.contains(v) || evolvable.contains(v);
        }
    }

    /** Every option Porta keeps, by wire name; nested ones are written {@code parent.child}. */
    public static final Map<String, Type> SCHEMA = schema();

    private static final Map<String, Object> DEFAULTS = Map.ofEntries(
            Map.entry("allowMeetingChat", "enabled"),
            Map.entry("allowAttendeeToEnableCamera", true),
            Map.entry("allowAttendeeToEnableMic", true),
            Map.entry("allowTeamworkReactions", true),
            Map.entry("allowParticipantsToChangeName", false),
            Map.entry("allowTranscription", true),
            Map.entry("allowRecording", true),
            Map.entry("allowBreakoutRooms", true),
            Map.entry("allowCopyingAndSharingMeetingContent", true),
            Map.entry("allowPowerPointSharing", true),
            Map.entry("allowWhiteboard", true),
            Map.entry("allowLiveShare", "enabled"),
            Map.entry("allowedLobbyAdmitters", "organizerAndCoOrganizersAndPresenters"),
            Map.entry("isEntryExitAnnounced", true),
            Map.entry("recordAutomatically", false),
            Map.entry("explicitRecordingConsent", false),
            Map.entry("isEndToEndEncryptionEnabled", false),
            Map.entry("shareMeetingChatHistoryDefault", "none"),
            Map.entry("chatRestrictions.allowTextOnly", false),
            Map.entry("watermarkProtection.isEnabledForContentSharing", false),
            Map.entry("watermarkProtection.isEnabledForVideo", false));

    public MeetingOptions {
        for (var e : values.entrySet()) {
            Type t = SCHEMA.get(e.getKey());
            if (t == null || (t.isBoolean() ? !(e.getValue() instanceof Boolean) : !(e.getValue() instanceof String s && t.allows(s)))) {
                throw new IllegalArgumentException("not a valid meeting option: " + e.getKey() + "=" + e.getValue());
            }
        }
        values = Collections.unmodifiableMap(new TreeMap<>(values));
    }

    /** The options a new meeting gets when its creator sets none. */
    public static MeetingOptions defaults() {
        return new MeetingOptions(DEFAULTS);
    }

    /** These options with some replaced. */
    public MeetingOptions with(Map<String, Object> changes) {
        Map<String, Object> merged = new LinkedHashMap<>(values);
        merged.putAll(changes);
        return new MeetingOptions(merged);
    }

    public boolean bool(String name) {
        return values.get(name) instanceof Boolean b && b;
    }

    public String text(String name) {
        return values.get(name) instanceof String s ? s : "";
    }

    /** {@code enabled}, {@code disabled} or {@code limited}. */
    public String allowMeetingChat() {
        return text("allowMeetingChat");
    }

    public boolean allowAttendeeToEnableCamera() {
        return bool("allowAttendeeToEnableCamera");
    }

    public boolean allowAttendeeToEnableMic() {
        return bool("allowAttendeeToEnableMic");
    }

    public boolean allowTeamworkReactions() {
        return bool("allowTeamworkReactions");
    }

    public boolean allowBreakoutRooms() {
        return bool("allowBreakoutRooms");
    }

    public boolean recordAutomatically() {
        return bool("recordAutomatically");
    }

    public String allowedLobbyAdmitters() {
        return text("allowedLobbyAdmitters");
    }

    private static Map<String, Type> schema() {
        Map<String, Type> s = new LinkedHashMap<>();
        s.put("allowMeetingChat", Type.oneOf(List.of("enabled", "disabled", "limited"), List.of()));
        for (String b : Set.of("allowAttendeeToEnableCamera", "allowAttendeeToEnableMic", "allowTeamworkReactions",
                "allowParticipantsToChangeName", "allowTranscription", "allowRecording", "allowBreakoutRooms",
                "allowCopyingAndSharingMeetingContent", "allowPowerPointSharing", "allowWhiteboard", "isEntryExitAnnounced",
                "recordAutomatically", "explicitRecordingConsent", "isEndToEndEncryptionEnabled", "chatRestrictions.allowTextOnly",
                "watermarkProtection.isEnabledForContentSharing", "watermarkProtection.isEnabledForVideo")) {
            s.put(b, Type.bool());
        }
        s.put("allowLiveShare", Type.oneOf(List.of("enabled", "disabled"), List.of()));
        s.put("allowedLobbyAdmitters", Type.oneOf(List.of("organizerAndCoOrganizersAndPresenters", "organizerAndCoOrganizers"), List.of()));
        s.put("shareMeetingChatHistoryDefault", Type.oneOf(List.of("none", "all"), List.of()));
        return Collections.unmodifiableMap(s);
    }
}
