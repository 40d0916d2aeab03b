// SPDX-License-Identifier: Apache-2.0
package dev.porta.portal;

import com.azure.communication.identity.models.CommunicationTokenScope;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.microsoft.graph.models.OnlineMeeting;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The "virtual appointments" portal's server: its page, and {@code POST /api/join}, which gives a
 * visitor holding a valid invitation a guest token for that invitation's meeting. It listens on
 * 127.0.0.1 (plain HTTP is a secure context there; put TLS in front of it anywhere else).
 */
public final class PortalServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PortalServer.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_BODY = 16 * 1024;
    /** Wrong admin keys allowed per address at once, and one more per this many seconds. */
    static final int ADMIN_FAILURE_BURST = 10;
    static final int ADMIN_FAILURE_REFILL_SECONDS = 6;

    private final PortalConfig config;
    private final Invitations invitations;
    private final RateLimiter tokenRequests;
    private final RateLimiter adminAttempts;
    private final PortaClients porta;
    private final HttpServer http;
    private final AtomicLong tokensMinted = new AtomicLong();
    private final java.util.concurrent.atomic.AtomicReference<String> lastMinted = new java.util.concurrent.atomic.AtomicReference<>();
    private final Clock clock;

    private PortalServer(PortalConfig config, Clock clock) throws IOException {
        this.config = config;
        this.clock = clock;
        this.invitations = new Invitations(config.portalSecret(), clock);
        this.tokenRequests = new RateLimiter(config.tokenBurst(), 1000.0 / Math.max(1, config.tokenRefill().toMillis()), clock);
        this.adminAttempts = new RateLimiter(ADMIN_FAILURE_BURST, 1.0 / ADMIN_FAILURE_REFILL_SECONDS, clock);
        this.porta = new PortaClients(config);
        this.http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), config.port()), 64);
        http.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        http.createContext("/", this::handle);
    }

    public static PortalServer start(PortalConfig config, Clock clock) throws IOException {
        PortalServer s = new PortalServer(config, clock);
        s.http.start();
        LOG.info("portal listening on {}", s.baseUrl());
        return s;
    }

    /** Where visitors reach the portal, ending in {@code /}. */
    public String baseUrl() {
        return "http://127.0.0.1:" + http.getAddress().getPort() + "/";
    }

    /** The organization's side: an invitation link to one meeting, valid for {@code validFor}. */
    public String invitationLink(String organizerId, String meetingLink, Duration validFor) {
        return baseUrl() + "visit?inv=" + invitations.create(organizerId, meetingLink, clock.instant().plus(validFor));
    }

    /**
     * The ACS identity ({@code 8:acs:…}) of the last guest token handed out, or null: what a real portal
     * would store with the visit, since meetings show guests by it (for operators and tests).
     */
    public String lastMintedIdentity() {
        return lastMinted.get();
    }

    /** Guest tokens handed out so far (for operators and tests). */
    public long tokensMinted() {
        return tokensMinted.get();
    }

    /**
     * The browser hardening headers on every answer: scripts, styles and connections only from the
     * portal and from Porta (the calling library, the meeting view and the calling WebSocket), no
     * inline script, no framing, no referrer (invitation links are bearer links).
     */
    private void securityHeaders(HttpExchange ex) {
        securityHeaders(ex, "");
    }

    /**
     * @param extraStyles more style sources: the UI Library page needs {@code 'unsafe-inline'}, because Fluent UI
     *                    (Griffel and merge-styles) writes its styles into {@code <style>} elements at run time;
     *                    scripts stay the portal's and Porta's only
     */
    private void securityHeaders(HttpExchange ex, String extraStyles) {
        java.net.URI porta = java.net.URI.create(config.portaUrl());
        String origin = porta.getScheme() + "://" + porta.getRawAuthority();
        String socket = (porta.getScheme().equals("https") ? "wss" : "ws") + "://" + porta.getRawAuthority();
        var h = ex.getResponseHeaders();
        h.set("Content-Security-Policy", "default-src 'self'; script-src 'self' " + origin + "; style-src 'self' " + origin + extraStyles
                + "; connect-src 'self' " + origin + " " + socket + "; img-src 'self' data: blob:; media-src 'self' blob: mediastream:; "
                + "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'");
        h.set("X-Frame-Options", "DENY");
        h.set("X-Content-Type-Options", "nosniff");
        h.set("Referrer-Policy", "no-referrer");
    }

    private void handle(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath();
        securityHeaders(ex, path.startsWith(UI_LIBRARY) ? " 'unsafe-inline'" : "");
        try (ex) {
            String method = ex.getRequestMethod();
            if (method.equals("GET") && path.startsWith(UI_LIBRARY)) {
                uiLibrary(ex, path);
            } else if (method.equals("GET") && (path.equals("/") || path.equals("/visit"))) {
                resource(ex, "/portal/visit.html", "text/html; charset=utf-8");
            } else if (method.equals("GET") && path.equals("/portal.js")) {
                resource(ex, "/portal/portal.js", "text/javascript; charset=utf-8");
            } else if (method.equals("GET") && path.equals("/portal.css")) {
                resource(ex, "/portal/portal.css", "text/css; charset=utf-8");
            } else if (method.equals("GET") && path.equals("/api/porta")) {
                // The page loads Porta's catalogues and pre-join check before any invitation is used.
                send(ex, 200, Map.of("portaUrl", config.portaUrl()));
            } else if (method.equals("POST") && path.equals("/api/join")) {
                join(ex);
            } else if (method.equals("POST") && path.equals("/admin/invitations")) {
                createInvitation(ex);
            } else {
                send(ex, 404, Map.of("message", "There is nothing at this address. Open the link from your invitation."));
            }
        } catch (RuntimeException e) {
            LOG.warn("portal request failed", e);
            send(ex, 500, Map.of("message", "Something went wrong on our side. Try again in a minute."));
        }
    }

    private void join(HttpExchange ex) throws IOException {
        // The door is guarded before any work: rate limit first, then the invitation, then the name.
        String visitor = ex.getRemoteAddress().getAddress().getHostAddress();
        if (!tokenRequests.tryAcquire(visitor)) {
            send(ex, 429, Map.of("message", "Too many attempts from your connection. Wait a minute, then try again."));
            return;
        }
        JsonNode body = body(ex);
        if (body == null) {
            send(ex, 400, Map.of("message", "The request could not be read. Reload the page and try again."));
            return;
        }
        Invitations.Invitation invitation;
        try {
            invitation = invitations.verify(body.path("invitation").asText(""));
        } catch (Invitations.Refused r) {
            send(ex, 403, Map.of("message", r.getMessage()));
            return;
        }
        String name = body.path("displayName").asText("").strip();
        if (name.isEmpty() || name.codePointCount(0, name.length()) > 100 || name.codePoints().anyMatch(Character::isISOControl)) {
            send(ex, 400, Map.of("message", "Enter your name as others should see it (1 to 100 characters), then join again."));
            return;
        }
        OnlineMeeting meeting = findMeeting(invitation);
        if (meeting == null) {
            send(ex, 404, Map.of("message", "The meeting in your invitation no longer exists. Ask the person you are meeting "
                    + "for a new invitation."));
            return;
        }
        var guest = porta.identities.createUserAndToken(List.of(CommunicationTokenScope.VOIP));
        tokensMinted.incrementAndGet();
        lastMinted.set(guest.getUser().getId());
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("token", guest.getUserToken().getToken());
        // An ACS app passes the guest's identity to the UI Library's adapter as its userId.
        answer.put("userId", guest.getUser().getId());
        answer.put("expiresOn", guest.getUserToken().getExpiresAt().toString());
        answer.put("meetingLink", meeting.getJoinWebUrl());
        answer.put("subject", meeting.getSubject());
        answer.put("displayName", name);
        answer.put("portaUrl", config.portaUrl());
        send(ex, 200, answer);
    }

    private OnlineMeeting findMeeting(Invitations.Invitation invitation) {
        String link = invitation.meetingLink().replace("'", "''");
        var found = porta.graph.users().byUserId(invitation.organizerId()).onlineMeetings()
                .get(rc -> rc.queryParameters.filter = "JoinWebUrl eq '" + link + "'");
        return found == null || found.getValue() == null || found.getValue().isEmpty() ? null : found.getValue().getFirst();
    }

    private void createInvitation(HttpExchange ex) throws IOException {
        // Every attempt takes from the address's allowance before the key is compared, so concurrent
        // guesses cannot overtake the limit; a right key gives it back.
        String caller = ex.getRemoteAddress().getAddress().getHostAddress();
        if (!adminAttempts.tryAcquire(caller)) {
            ex.getResponseHeaders().set("Retry-After", Integer.toString(ADMIN_FAILURE_REFILL_SECONDS));
            send(ex, 429, Map.of("message", "Too many wrong admin keys from this address. Wait a minute, then try again."));
            return;
        }
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        if (auth == null || !java.security.MessageDigest.isEqual(sha256("Bearer " + config.adminKey()), sha256(auth))) {
            send(ex, 401, Map.of("message", "Creating invitations needs the portal's admin key."));
            return;
        }
        adminAttempts.refund(caller);
        JsonNode body = body(ex);
        if (body == null || body.path("organizerId").asText("").isEmpty() || body.path("meetingLink").asText("").isEmpty()) {
            send(ex, 400, Map.of("message", "Give organizerId and meetingLink (and optionally validForMinutes)."));
            return;
        }
        long minutes = Math.clamp(body.path("validForMinutes").asLong(24 * 60), 1, 30L * 24 * 60);
        send(ex, 200, Map.of("link", invitationLink(body.get("organizerId").asText(), body.get("meetingLink").asText(),
                Duration.ofMinutes(minutes))));
    }

    /** Comparing digests keeps the comparison constant-time whatever the lengths. */
    private static byte[] sha256(String s) {
        try {
            return java.security.MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode body(HttpExchange ex) throws IOException {
        byte[] raw = ex.getRequestBody().readNBytes(MAX_BODY + 1);
        if (raw.length > MAX_BODY) {
            return null;
        }
        try {
            JsonNode n = JSON.readTree(raw);
            return n != null && n.isObject() ? n : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** Where the alternative guest page built from Microsoft's UI Library lives (when its bundle is configured). */
    static final String UI_LIBRARY = "/ui-library";
    /** The bundle's files the portal serves, by request path: a fixed list, so no path reaches other files. */
    private static final Map<String, BundleFile> UI_LIBRARY_FILES = Map.of(
            UI_LIBRARY, new BundleFile("index.html", "text/html; charset=utf-8"),
            UI_LIBRARY + "/visit", new BundleFile("index.html", "text/html; charset=utf-8"),
            UI_LIBRARY + "/guest.js", new BundleFile("guest.js", "text/javascript; charset=utf-8"),
            UI_LIBRARY + "/guest.css", new BundleFile("guest.css", "text/css; charset=utf-8"));

    /** A file of the built UI Library sample and its content type. */
    private record BundleFile(String name, String type) { }

    private void uiLibrary(HttpExchange ex, String path) throws IOException {
        BundleFile file = UI_LIBRARY_FILES.get(path);
        Path bundle = config.uiLibraryBundle().filter(b -> Files.isRegularFile(b.resolve("guest.js"))).orElse(null);
        if (bundle == null) {
            send(ex, 404, Map.of("message", "This portal does not offer the UI Library page. Open the link from your invitation "
                    + "without /ui-library."));
            return;
        }
        if (file == null || !Files.isRegularFile(bundle.resolve(file.name()))) {
            send(ex, 404, Map.of("message", "There is nothing at this address. Open the link from your invitation."));
            return;
        }
        sendFile(ex, Files.readAllBytes(bundle.resolve(file.name())), file.type());
    }

    private static void resource(HttpExchange ex, String name, String type) throws IOException {
        try (InputStream in = PortalServer.class.getResourceAsStream(name)) {
            sendFile(ex, in.readAllBytes(), type);
        }
    }

    /** A page or script of the portal: revalidated on each load, so a new build reaches visitors at once. */
    private static void sendFile(HttpExchange ex, byte[] bytes, String type) throws IOException {
        ex.getResponseHeaders().set("Content-Type", type);
        ex.getResponseHeaders().set("Cache-Control", "no-cache");
        ex.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
        ex.sendResponseHeaders(200, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static void send(HttpExchange ex, int status, Map<String, ?> body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        http.stop(0);
    }
}
