// SPDX-License-Identifier: Apache-2.0
package dev.porta.meetings;

import dev.porta.directory.MemberId;
import dev.porta.directory.TenantId;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Join links in Teams' shape under Porta's own host (reference §2.4):
 * {@code https://<porta>/l/meetup-join/19%3ameeting_<id>%40thread.v2/0?context=%7b%22Tid%22%3a%22<tenant>%22%2c%22Oid%22%3a%22<organizer>%22%7d}.
 * The thread id, tenant and organizer inside are what the calling client's meeting locator carries.
 */
public final class JoinLinks {
    private static final Pattern THREAD_IN_URL = Pattern.compile(
            "/l/meetup-join/19(?:%3a|:)meeting_([A-Za-z0-9_-]{16,64})(?:%40|@)thread\\.v2(?:/|$)", Pattern.CASE_INSENSITIVE);
    private static final Pattern THREAD_ID = Pattern.compile("19:meeting_[A-Za-z0-9_-]{16,64}@thread\\.v2");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Supplier<String> baseUrl;

    /** @param baseUrl Porta's public base URL, ending in {@code /} */
    public JoinLinks(Supplier<String> baseUrl) {
        this.baseUrl = baseUrl;
    }

    public static String newThreadId() {
        byte[] b = new byte[24];
        RANDOM.nextBytes(b);
        return "19:meeting_" + Base64.getUrlEncoder().withoutPadding().encodeToString(b) + "@thread.v2";
    }

    public String joinWebUrl(String threadId, TenantId tenant, MemberId organizer) {
        return baseUrl.get() + "l/meetup-join/" + threadId.replace(":", "%3a").replace("@", "%40") + "/0?context="
                + "%7b%22Tid%22%3a%22" + tenant.value() + "%22%2c%22Oid%22%3a%22" + organizer.value() + "%22%7d";
    }

    public String joinWebUrl(OnlineMeeting m) {
        return joinWebUrl(m.threadId(), m.tenantId(), m.organizerId());
    }

    /**
     * The thread id named by a join link, whatever host it carries and whether it was percent-encoded
     * once, twice or not at all.
     */
    public static Optional<String> threadIdOf(String joinUrl) {
        String candidate = joinUrl;
        for (int i = 0; i < 3 && candidate != null; i++) {
            Matcher m = THREAD_IN_URL.matcher(candidate);
            if (m.find()) {
                return Optional.of("19:meeting_" + m.group(1) + "@thread.v2");
            }
            candidate = decode(candidate);
        }
        return Optional.empty();
    }

    public static boolean isThreadId(String text) {
        return text != null && THREAD_ID.matcher(text).matches();
    }

    /**
     * True when {@code candidate} is this meeting's link, as-is or percent-decoded once more. Only the
     * part from {@code /l/meetup-join/} on is compared: links handed out before a host or port change
     * stay valid, and the tenant and organizer inside must still match.
     */
    public boolean matches(OnlineMeeting m, String candidate) {
        String url = pathAndQuery(joinWebUrl(m));
        String decodedUrl = pathAndQuery(decode(url));
        String given = pathAndQuery(candidate);
        String decodedGiven = pathAndQuery(decode(candidate));
        // Hex digits of percent-escapes may come in either case; the thread id was already matched exactly.
        return url.equalsIgnoreCase(given) || url.equalsIgnoreCase(decodedGiven)
                || decodedUrl.equalsIgnoreCase(given) || decodedUrl.equalsIgnoreCase(decodedGiven);
    }

    private static String pathAndQuery(String url) {
        if (url == null) {
            return "";
        }
        int at = url.indexOf("/l/meetup-join/");
        return at < 0 ? "" : url.substring(at);
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
