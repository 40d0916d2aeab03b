// SPDX-License-Identifier: Apache-2.0
package dev.porta.portal;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Invitations to one meeting: the organization's side signs {organizer, meeting link, expiry} with the
 * portal's secret (HMAC-SHA256) and sends the visitor a link; the portal mints a token only for a
 * link whose signature checks and whose expiry is ahead. Nothing is stored: the link is the invitation.
 */
public final class Invitations {
    /** A valid invitation's content. */
    public record Invitation(String organizerId, String meetingLink, Instant expires) { }

    /** Why an invitation was refused, as a sentence for the visitor (what happened, what to do). */
    public static final class Refused extends Exception {
        Refused(String sentence) {
            super(sentence, null, false, false);
        }
    }

    private final byte[] secret;
    private final Clock clock;

    public Invitations(byte[] secret, Clock clock) {
        if (secret.length < 32) {
            throw new IllegalArgumentException("the portal secret must be at least 32 bytes");
        }
        this.secret = secret.clone();
        this.clock = clock;
    }

    /** The query string of an invitation link ({@code inv=...}), valid until {@code expires}. */
    public String create(String organizerId, String meetingLink, Instant expires) {
        String payload = encode(Map.of("o", organizerId, "m", meetingLink, "e", Long.toString(expires.getEpochSecond())));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(payload.getBytes(StandardCharsets.UTF_8)) + "." + sign(payload);
    }

    /** Checks an invitation as received in a link. */
    public Invitation verify(String invitation) throws Refused {
        if (invitation == null || invitation.isBlank()) {
            throw new Refused("This page needs an invitation link. Open the link from your invitation, or ask the person "
                    + "you are meeting to send it again.");
        }
        int dot = invitation.indexOf('.');
        String payload;
        try {
            payload = dot < 0 ? "" : new String(Base64.getUrlDecoder().decode(invitation.substring(0, dot)), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            payload = "";
        }
        if (payload.isEmpty() || !MessageDigest.isEqual(sign(payload).getBytes(StandardCharsets.US_ASCII),
                invitation.substring(dot + 1).getBytes(StandardCharsets.US_ASCII))) {
            throw new Refused("This invitation link is not valid: it may have been changed or copied incompletely. "
                    + "Open the link exactly as you received it, or ask for a new invitation.");
        }
        Map<String, String> fields = decode(payload);
        Instant expires;
        try {
            expires = Instant.ofEpochSecond(Long.parseLong(fields.getOrDefault("e", "")));
        } catch (NumberFormatException e) {
            throw new Refused("This invitation link is not valid. Ask for a new invitation.");
        }
        if (!clock.instant().isBefore(expires)) {
            throw new Refused("This invitation has expired. Ask the person you are meeting to send you a new one.");
        }
        return new Invitation(Optional.ofNullable(fields.get("o")).orElse(""), Optional.ofNullable(fields.get("m")).orElse(""), expires);
    }

    private String sign(String payload) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(mac.doFinal(("v1\n" + payload).getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String encode(Map<String, String> fields) {
        StringBuilder b = new StringBuilder();
        for (String k : new String[] {"o", "m", "e"}) {
            b.append(b.isEmpty() ? "" : "&").append(k).append('=').append(URLEncoder.encode(fields.get(k), StandardCharsets.UTF_8));
        }
        return b.toString();
    }

    private static Map<String, String> decode(String payload) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String pair : payload.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                out.put(pair.substring(0, eq), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return out;
    }
}
