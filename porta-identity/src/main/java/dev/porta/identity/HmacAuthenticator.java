// SPDX-License-Identifier: Apache-2.0
package dev.porta.identity;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Verifies the ACS HMAC-SHA256 access-key scheme exactly as the official SDKs sign it: string to sign
 * {@code VERB \n pathAndQuery \n date;host;contentHash}, signed with the Base64-decoded access key.
 *
 * <p>The SDKs disagree on what "host" is (Java signs it without the port, JS with it, some builds with
 * the port twice), so several host candidates are tried; every comparison is constant-time. The
 * path and query are the raw request target as received, never decoded and re-encoded.
 *
 * <p>The signed host must name this server: the {@code Host} header counts only when it is one of
 * Porta's own names (its public host, {@code identity.signed-hosts}, loopback names), so a request
 * signed for another deployment sharing the key does not verify here. A signature is accepted once:
 * sending the same signed request again within the skew window is refused as {@link Failure#REPLAYED}.
 */
public final class HmacAuthenticator {
    static final DateTimeFormatter RFC_1123 = DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US)
            .withZone(java.time.ZoneOffset.UTC);
    private static final Pattern AUTHORIZATION = Pattern.compile(
            "HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=([A-Za-z0-9+/=]{1,200})");

    private static final Set<String> LOOPBACK_NAMES = Set.of("localhost", "127.0.0.1", "[::1]");

    private final Clock clock;
    private final Duration maxSkew;
    private final List<String> signedHosts;
    private final Supplier<String> publicHost;
    private final SeenSignatures seen;

    /** Why a request was refused; the message is safe to return to the caller. */
    public enum Failure {
        MISSING_HEADERS("The request must carry Authorization, x-ms-date and x-ms-content-sha256 headers."),
        MALFORMED_AUTHORIZATION("The Authorization header is not an HMAC-SHA256 signature over x-ms-date;host;x-ms-content-sha256."),
        BAD_DATE("The x-ms-date header is not an RFC 1123 date."),
        STALE_DATE("The x-ms-date header is outside the allowed clock skew."),
        CONTENT_HASH_MISMATCH("The x-ms-content-sha256 header does not match the request body."),
        BAD_SIGNATURE("The request signature does not match any access key of this resource."),
        REPLAYED("This signed request was already received; sign each request anew (with a new x-ms-date).");

        private final String message;

        Failure(String message) {
            this.message = message;
        }

        public String message() {
            return message;
        }
    }

    /** The parts of a request the signature covers, as received. */
    public record SignedRequest(String method, String rawPathAndQuery, String hostHeader, int listenerPort,
                                String date, String contentHash, String authorization, byte[] body) { }

    /** The outcome: the index of the matching key (0 primary, 1 secondary) or a failure. */
    public record Result(Optional<Failure> failure, int keyIndex) {
        static Result fail(Failure f) {
            return new Result(Optional.of(f), -1);
        }

        public boolean ok() {
            return failure.isEmpty();
        }
    }

    /** Without a public host or replay detection; for tests. */
    public HmacAuthenticator(Clock clock, Duration maxSkew, List<String> signedHosts) {
        this(clock, maxSkew, signedHosts, () -> null, 0);
    }

    /**
     * @param signedHosts      further host names clients may sign ({@code identity.signed-hosts})
     * @param publicHost       Porta's public host[:port], read per request (known only once listening)
     * @param replayCacheSize  accepted signatures remembered to refuse replays; 0 turns that off
     */
    public HmacAuthenticator(Clock clock, Duration maxSkew, List<String> signedHosts, Supplier<String> publicHost, int replayCacheSize) {
        this.clock = clock;
        this.maxSkew = maxSkew;
        this.signedHosts = List.copyOf(signedHosts);
        this.publicHost = publicHost;
        this.seen = new SeenSignatures(replayCacheSize, maxSkew);
    }

    /** Checks {@code request} against the given Base64 access keys (primary first). */
    public Result verify(SignedRequest request, List<String> accessKeys) {
        if (request.authorization() == null || request.date() == null || request.contentHash() == null) {
            return Result.fail(Failure.MISSING_HEADERS);
        }
        Matcher m = AUTHORIZATION.matcher(request.authorization().trim());
        if (!m.matches()) {
            return Result.fail(Failure.MALFORMED_AUTHORIZATION);
        }
        Instant signedAt;
        try {
            signedAt = ZonedDateTime.parse(request.date().trim(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        } catch (DateTimeParseException e) {
            return Result.fail(Failure.BAD_DATE);
        }
        Duration skew = Duration.between(signedAt, clock.instant()).abs();
        if (skew.compareTo(maxSkew) > 0) {
            return Result.fail(Failure.STALE_DATE);
        }
        String actualHash = contentHash(request.body());
        if (!MessageDigest.isEqual(actualHash.getBytes(StandardCharsets.US_ASCII),
                request.contentHash().trim().getBytes(StandardCharsets.US_ASCII))) {
            return Result.fail(Failure.CONTENT_HASH_MISMATCH);
        }
        byte[] presented = decodeOrEmpty(m.group(1));
        for (int k = 0; k < accessKeys.size(); k++) {
            byte[] key = decodeOrEmpty(accessKeys.get(k));
            if (key.length == 0) {
                continue;
            }
            for (String host : hostCandidates(request.hostHeader(), request.listenerPort())) {
                String toSign = stringToSign(request.method(), request.rawPathAndQuery(), request.date().trim(), host, actualHash);
                if (MessageDigest.isEqual(sign(key, toSign), presented)) {
                    return seen.firstTime(Base64.getEncoder().encodeToString(presented), clock.instant())
                            ? new Result(Optional.empty(), k) : Result.fail(Failure.REPLAYED);
                }
            }
        }
        return Result.fail(Failure.BAD_SIGNATURE);
    }

    /** The hosts a client may have signed, in the order the SDKs make most likely; only this server's names. */
    Set<String> hostCandidates(String hostHeader, int listenerPort) {
        List<String> own = ownNames();
        Set<String> out = new LinkedHashSet<>();
        if (hostHeader != null && !hostHeader.isBlank() && isOwnName(stripPort(hostHeader.trim()), own)) {
            String h = hostHeader.trim();
            out.add(h);
            String bare = stripPort(h);
            out.add(bare);
            if (!bare.equals(h)) {
                out.add(h + h.substring(bare.length())); // the JS builds that sign host:port:port
            }
            out.add(bare + ":" + listenerPort);
        }
        for (String p : own) {
            out.add(p);
            out.add(stripPort(p));
            out.add(stripPort(p) + ":" + listenerPort);
        }
        return out;
    }

    private List<String> ownNames() {
        String pub = publicHost.get();
        if (pub == null || pub.isBlank()) {
            return signedHosts;
        }
        List<String> names = new java.util.ArrayList<>(signedHosts);
        names.add(pub);
        return names;
    }

    private static boolean isOwnName(String bareHost, List<String> own) {
        String h = bareHost.toLowerCase(Locale.ROOT);
        if (LOOPBACK_NAMES.contains(h)) {
            return true;
        }
        for (String name : own) {
            if (stripPort(name.trim()).equalsIgnoreCase(h)) {
                return true;
            }
        }
        return false;
    }

    private static String stripPort(String host) {
        if (host.startsWith("[")) { // [::1]:8443
            int end = host.indexOf(']');
            return end > 0 ? host.substring(0, end + 1) : host;
        }
        int colon = host.indexOf(':');
        return colon < 0 ? host : host.substring(0, colon);
    }

    public static String stringToSign(String method, String pathAndQuery, String date, String host, String contentHash) {
        return method.toUpperCase(Locale.ROOT) + "\n" + pathAndQuery + "\n" + date + ";" + host + ";" + contentHash;
    }

    public static String contentHash(byte[] body) {
        try {
            return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(body));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public static byte[] sign(byte[] key, String stringToSign) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(stringToSign.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Signs a request the way the SDKs do; for Porta's own clients and tests. */
    public static String authorizationHeader(String accessKey, String method, String pathAndQuery, String date,
                                             String host, String contentHash) {
        byte[] sig = sign(Base64.getDecoder().decode(accessKey), stringToSign(method, pathAndQuery, date, host, contentHash));
        return "HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=" + Base64.getEncoder().encodeToString(sig);
    }

    public static String formatDate(Instant instant) {
        return RFC_1123.format(instant);
    }

    private static byte[] decodeOrEmpty(String b64) {
        try {
            return Base64.getDecoder().decode(b64.trim());
        } catch (IllegalArgumentException e) {
            return new byte[0];
        }
    }
}
