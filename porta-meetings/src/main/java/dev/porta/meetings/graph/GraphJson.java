// SPDX-License-Identifier: Apache-2.0
package dev.porta.meetings.graph;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.porta.directory.LobbyBypassScope;
import dev.porta.directory.Member;
import dev.porta.meetings.AllowedPresenters;
import dev.porta.meetings.Attendee;
import dev.porta.meetings.LobbyBypass;
import dev.porta.meetings.MeetingOptions;
import dev.porta.meetings.MeetingRole;
import dev.porta.meetings.MeetingValidationException;
import dev.porta.meetings.OnlineMeeting;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Graph v1.0 JSON of onlineMeeting (reference §2): reading create, createOrGet and PATCH bodies
 * into a meeting — every bad value a {@link MeetingValidationException} naming the property — and
 * writing the full documented shape back.
 */
public final class GraphJson {
    static final ObjectMapper JSON = new ObjectMapper();
    static final int MAX_SUBJECT = 1000;
    static final int MAX_EXTERNAL_ID = 200;
    static final int MAX_TEXT = 256;
    static final int MAX_ATTENDEES = 250;
    private static final Instant EARLIEST = Instant.parse("2000-01-01T00:00:00Z");
    private static final Instant LATEST = Instant.parse("9999-01-01T00:00:00Z");

    /** What the body is for: PATCH may not change what creation fixed. */
    public enum Mode { CREATE, CREATE_OR_GET, PATCH }

    private GraphJson() { }

    /** Applies a request body to {@code base} (a fresh meeting for creation, the stored one for PATCH). */
    public static OnlineMeeting apply(OnlineMeeting base, JsonNode body, Mode mode, Instant now) {
        if (body == null || !body.isObject()) {
            throw new MeetingValidationException("body", "The request body must be a JSON object.");
        }
        String subject = base.subject();
        if (body.has("subject")) {
            subject = body.get("subject").isNull() ? null : text(body, "subject", MAX_SUBJECT);
        }
        Instant start = date(body, "startDateTime");
        Instant end = date(body, "endDateTime");
        Instant expiry = body.has("expiryDateTime") ? date(body, "expiryDateTime") : base.expiry();
        if (mode == Mode.PATCH) {
            if ((start == null) != (end == null)) {
                throw new MeetingValidationException(start == null ? "startDateTime" : "endDateTime",
                        "startDateTime and endDateTime must be updated together.");
            }
            if (start == null) {
                start = base.start();
                end = base.end();
            }
        } else {
            if (end != null && start == null) {
                throw new MeetingValidationException("startDateTime", "endDateTime was given without startDateTime.");
            }
            start = start == null ? now : start;
            end = end == null ? start.plus(Duration.ofHours(1)) : end;
        }
        if (!end.isAfter(start)) {
            throw new MeetingValidationException("endDateTime", "endDateTime must be after startDateTime.");
        }
        if (body.has("externalId") && mode == Mode.PATCH && !body.get("externalId").isNull()
                && !body.get("externalId").asText().equals(base.externalId())) {
            throw new MeetingValidationException("externalId", "externalId cannot be changed.");
        }
        if (body.has("joinMeetingIdSettings") && mode == Mode.PATCH) {
            throw new MeetingValidationException("joinMeetingIdSettings", "joinMeetingIdSettings cannot be modified after creation.");
        }
        List<Attendee> attendees = base.attendees();
        if (body.has("participants")) {
            JsonNode p = object(body, "participants");
            if (p.has("attendees")) {
                attendees = attendees(p.get("attendees"));
            }
        }
        LobbyBypass lobby = base.lobbyBypass();
        if (body.has("lobbyBypassSettings") && !body.get("lobbyBypassSettings").isNull()) {
            JsonNode l = object(body, "lobbyBypassSettings");
            LobbyBypassScope scope = lobby.scope();
            if (l.has("scope") && !l.get("scope").isNull()) {
                String wire = text(l, "scope", 64, "lobbyBypassSettings.scope");
                scope = LobbyBypassScope.fromWire(wire).orElseThrow(() -> new MeetingValidationException("lobbyBypassSettings.scope",
                        "Unknown lobbyBypassSettings.scope '" + wire + "'; use organizer, organization, organizationAndFederated, everyone, invited or organizationExcludingGuests."));
            }
            boolean dialIn = l.has("isDialInBypassEnabled") && !l.get("isDialInBypassEnabled").isNull()
                    ? bool(l, "isDialInBypassEnabled", "lobbyBypassSettings.isDialInBypassEnabled") : lobby.dialInBypassEnabled();
            lobby = new LobbyBypass(scope, dialIn);
        }
        AllowedPresenters presenters = base.allowedPresenters();
        if (body.has("allowedPresenters") && !body.get("allowedPresenters").isNull()) {
            String wire = text(body, "allowedPresenters", 64);
            presenters = AllowedPresenters.fromWire(wire).orElseThrow(() -> new MeetingValidationException("allowedPresenters",
                    "Unknown allowedPresenters '" + wire + "'; use everyone, organization, roleIsPresenter or organizer."));
        }
        MeetingOptions options = base.options().with(options(body));
        OnlineMeeting changed = base.withChanges(subject, start, end, expiry, attendees, lobby, presenters, options);
        if (mode != Mode.PATCH) {
            boolean passcodeRequired = base.passcodeRequired();
            if (body.has("joinMeetingIdSettings") && !body.get("joinMeetingIdSettings").isNull()) {
                JsonNode j = object(body, "joinMeetingIdSettings");
                if (j.hasNonNull("passcode") || j.hasNonNull("joinMeetingId")) {
                    throw new MeetingValidationException("joinMeetingIdSettings", "The meeting ID and passcode are generated by the service; custom values are not supported.");
                }
                if (j.hasNonNull("isPasscodeRequired")) {
                    passcodeRequired = bool(j, "isPasscodeRequired", "joinMeetingIdSettings.isPasscodeRequired");
                }
            }
            String externalId = base.externalId();
            if (body.hasNonNull("externalId")) {
                externalId = text(body, "externalId", MAX_EXTERNAL_ID);
                if (externalId.isBlank()) {
                    throw new MeetingValidationException("externalId", "externalId must not be empty.");
                }
            }
            changed = new OnlineMeeting(changed.id(), changed.tenantId(), changed.organizerId(), changed.subject(), changed.start(),
                    changed.end(), changed.created(), changed.expiry(), externalId, changed.joinMeetingId(), changed.passcode(),
                    passcodeRequired, changed.threadId(), changed.attendees(), changed.lobbyBypass(), changed.allowedPresenters(),
                    changed.options());
        }
        return changed;
    }

    /**
     * The onlineMeeting resource. Evolvable enum members ({@code invited}, {@code coorganizer}, …) are
     * written as {@code unknownFutureValue} unless the client sent
     * {@code Prefer: include-unknown-enum-members}.
     */
    public static ObjectNode toJson(OnlineMeeting m, Member organizer, String joinWebUrl, boolean includeEvolvable, String context) {
        ObjectNode o = JSON.createObjectNode();
        if (context != null) {
            o.put("@odata.context", context);
        }
        o.put("id", m.id().value());
        o.put("creationDateTime", format(m.created()));
        o.put("startDateTime", format(m.start()));
        o.put("endDateTime", format(m.end()));
        o.put("expiryDateTime", format(m.effectiveExpiry()));
        o.put("joinWebUrl", joinWebUrl);
        o.put("meetingOptionsWebUrl", (String) null);
        o.put("subject", m.subject());
        o.put("externalId", m.externalId());
        o.put("videoTeleconferenceId", (String) null);
        o.put("meetingType", (String) null);
        o.put("isBroadcast", false);
        o.put("allowedPresenters", m.allowedPresenters().wire());
        for (var e : m.options().values().entrySet()) {
            if (e.getKey().contains(".")) {
                continue;
            }
            if (e.getValue() instanceof Boolean b) {
                o.put(e.getKey(), b);
            } else {
                o.put(e.getKey(), (String) e.getValue());
            }
        }
        o.putObject("chatRestrictions").put("allowTextOnly", m.options().bool("chatRestrictions.allowTextOnly"));
        ObjectNode watermark = o.putObject("watermarkProtection");
        watermark.put("isEnabledForContentSharing", m.options().bool("watermarkProtection.isEnabledForContentSharing"));
        watermark.put("isEnabledForVideo", m.options().bool("watermarkProtection.isEnabledForVideo"));

        ObjectNode participants = o.putObject("participants");
        ObjectNode org = participants.putObject("organizer");
        org.put("upn", organizer == null ? null : organizer.userPrincipalName());
        org.put("role", "presenter");
        ObjectNode orgUser = org.putObject("identity").putObject("user");
        orgUser.put("id", m.organizerId().value());
        orgUser.put("displayName", organizer == null ? null : organizer.displayName());
        orgUser.put("tenantId", m.tenantId().value());
        orgUser.put("identityProvider", "AAD");
        ArrayNode attendees = participants.putArray("attendees");
        for (Attendee a : m.attendees()) {
            ObjectNode at = attendees.addObject();
            ObjectNode user = at.putObject("identity").putObject("user");
            user.put("id", a.userId().isEmpty() ? null : a.userId());
            user.put("displayName", a.displayName().isEmpty() ? null : a.displayName());
            at.put("upn", a.userPrincipalName().isEmpty() ? null : a.userPrincipalName());
            at.put("role", a.role().evolvable() && !includeEvolvable ? "unknownFutureValue" : a.role().wire());
        }
        participants.putArray("producers");
        participants.putArray("contributors");

        ObjectNode lobby = o.putObject("lobbyBypassSettings");
        LobbyBypassScope scope = m.lobbyBypass().scope();
        lobby.put("scope", scope.evolvable() && !includeEvolvable ? "unknownFutureValue" : scope.wire());
        lobby.put("isDialInBypassEnabled", m.lobbyBypass().dialInBypassEnabled());

        ObjectNode join = o.putObject("joinMeetingIdSettings");
        join.put("isPasscodeRequired", m.passcodeRequired());
        join.put("joinMeetingId", m.joinMeetingId());
        join.put("passcode", m.passcodeRequired() ? m.passcode() : null);

        ObjectNode chat = o.putObject("chatInfo");
        chat.put("threadId", m.threadId());
        chat.put("messageId", "0");
        chat.put("replyChainMessageId", (String) null);

        ObjectNode info = o.putObject("joinInformation");
        info.put("content", "data:text/html," + URLEncoder.encode(joinInformationHtml(m, joinWebUrl), StandardCharsets.UTF_8).replace("+", "%20"));
        info.put("contentType", "html");
        o.putNull("audioConferencing");
        return o;
    }

    private static String joinInformationHtml(OnlineMeeting m, String joinWebUrl) {
        String url = joinWebUrl.replace("&", "&amp;").replace("\"", "&quot;").replace("<", "&lt;");
        return "<div><p><a href=\"" + url + "\">Join the meeting now</a></p><p>Meeting ID: " + m.joinMeetingId()
                + (m.passcodeRequired() ? "<br>Passcode: " + m.passcode() : "") + "</p></div>";
    }

    static String format(Instant t) {
        return DateTimeFormatter.ISO_INSTANT.format(t);
    }

    private static Map<String, Object> options(JsonNode body) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (var e : MeetingOptions.SCHEMA.entrySet()) {
            String name = e.getKey();
            JsonNode node;
            int dot = name.indexOf('.');
            if (dot > 0) {
                JsonNode parent = body.get(name.substring(0, dot));
                if (parent == null || parent.isNull()) {
                    continue;
                }
                if (!parent.isObject()) {
                    throw new MeetingValidationException(name.substring(0, dot), name.substring(0, dot) + " must be an object.");
                }
                node = parent.get(name.substring(dot + 1));
            } else {
                node = body.get(name);
            }
            if (node == null || node.isNull()) {
                continue;
            }
            MeetingOptions.Type type = e.getValue();
            if (type.isBoolean()) {
                if (!node.isBoolean()) {
                    throw new MeetingValidationException(name, name + " must be true or false.");
                }
                out.put(name, node.booleanValue());
            } else {
                if (!node.isTextual() || !type.allows(node.textValue())) {
                    throw new MeetingValidationException(name, "Unknown " + name + " value " + clip(node.toString())
                            + "; use one of " + String.join(", ", type.values()) + ".");
                }
                out.put(name, node.textValue());
            }
        }
        for (var unsupported : UNENFORCED_PROTECTIONS.entrySet()) {
            if (Boolean.TRUE.equals(out.get(unsupported.getKey()))) {
                throw new MeetingValidationException(unsupported.getKey(), unsupported.getKey() + " true is not supported: "
                        + unsupported.getValue() + " Leave it false or omit it.");
            }
        }
        return out;
    }

    /**
     * Options that promise a protection Porta does not give (review L11). Accepting and echoing {@code true}
     * would let a client believe it is in place, so such a request is refused instead.
     */
    private static final Map<String, String> UNENFORCED_PROTECTIONS = Map.of(
            "isEndToEndEncryptionEnabled", "Porta's media server decrypts media to forward it, so meetings are not end-to-end encrypted.",
            "watermarkProtection.isEnabledForContentSharing", "Porta does not watermark shared content.",
            "watermarkProtection.isEnabledForVideo", "Porta does not watermark video.");

    private static List<Attendee> attendees(JsonNode node) {
        if (node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            throw new MeetingValidationException("participants.attendees", "participants.attendees must be an array.");
        }
        if (node.size() > MAX_ATTENDEES) {
            throw new MeetingValidationException("participants.attendees", "At most " + MAX_ATTENDEES + " attendees.");
        }
        List<Attendee> out = new ArrayList<>();
        int i = 0;
        for (Iterator<JsonNode> it = node.elements(); it.hasNext(); i++) {
            String field = "participants.attendees[" + i + "]";
            JsonNode a = it.next();
            if (!a.isObject()) {
                throw new MeetingValidationException(field, field + " must be an object.");
            }
            JsonNode user = a.path("identity").path("user");
            String id = user.isObject() ? optionalText(user, "id", 100, field + ".identity.user.id") : "";
            String name = user.isObject() ? optionalText(user, "displayName", MAX_TEXT, field + ".identity.user.displayName") : "";
            String upn = optionalText(a, "upn", MAX_TEXT, field + ".upn");
            if (id.isEmpty() && upn.isEmpty()) {
                throw new MeetingValidationException(field + ".identity", field + " needs identity.user.id or upn.");
            }
            MeetingRole role = MeetingRole.ATTENDEE;
            if (a.hasNonNull("role")) {
                String wire = optionalText(a, "role", 64, field + ".role");
                role = MeetingRole.fromWire(wire).orElseThrow(() -> new MeetingValidationException(field + ".role",
                        "Unknown role '" + clip(wire) + "' in " + field + "; use attendee, presenter, producer or coorganizer."));
            }
            out.add(new Attendee(id, name, upn, role));
        }
        return out;
    }

    private static JsonNode object(JsonNode body, String field) {
        JsonNode n = body.get(field);
        if (!n.isObject()) {
            throw new MeetingValidationException(field, field + " must be an object.");
        }
        return n;
    }

    private static String text(JsonNode body, String field, int max) {
        return text(body, field, max, field);
    }

    private static String text(JsonNode body, String field, int max, String name) {
        JsonNode n = body.get(field);
        if (n == null || !n.isTextual()) {
            throw new MeetingValidationException(name, name + " must be a string.");
        }
        if (n.textValue().length() > max) {
            throw new MeetingValidationException(name, name + " is longer than " + max + " characters.");
        }
        return n.textValue();
    }

    private static String optionalText(JsonNode body, String field, int max, String name) {
        return body.hasNonNull(field) ? text(body, field, max, name) : "";
    }

    private static boolean bool(JsonNode body, String field, String name) {
        JsonNode n = body.get(field);
        if (!n.isBoolean()) {
            throw new MeetingValidationException(name, name + " must be true or false.");
        }
        return n.booleanValue();
    }

    private static Instant date(JsonNode body, String field) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isTextual() || n.textValue().length() > 40) {
            throw new MeetingValidationException(field, field + " must be an ISO 8601 date-time string such as 2030-01-15T09:00:00Z.");
        }
        Instant t;
        try {
            t = OffsetDateTime.parse(n.textValue()).toInstant();
        } catch (DateTimeParseException e) {
            throw new MeetingValidationException(field, field + " '" + clip(n.textValue()) + "' is not an ISO 8601 date-time with an offset, such as 2030-01-15T09:00:00Z.");
        }
        if (t.isBefore(EARLIEST) || t.isAfter(LATEST)) {
            throw new MeetingValidationException(field, field + " is out of range.");
        }
        return t;
    }

    static String clip(String s) {
        return s.length() <= 80 ? s : s.substring(0, 80) + "...";
    }
}
