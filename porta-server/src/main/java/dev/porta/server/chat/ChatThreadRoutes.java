// SPDX-License-Identifier: Apache-2.0
package dev.porta.server.chat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.porta.calling.CallingService;
import dev.porta.calling.auth.Authentication;
import dev.porta.calling.auth.Caller;
import dev.porta.calling.auth.CallerAuthenticator;
import dev.porta.calling.chat.ChatEntry;
import dev.porta.calling.live.ThreadChat;
import dev.porta.common.RateLimiter;
import io.javalin.http.Context;
import io.javalin.router.JavalinDefaultRoutingApi;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The ACS Chat REST API ({@code /chat/threads/{chatThreadId}/…?api-version=2021-09-27}, what the official
 * {@code azure-communication-chat} SDKs call) on meeting threads: a meeting's thread is its Graph
 * {@code chatInfo.threadId}, and its participants are the people connected to the meeting's live session.
 * Callers present a communication access token with a chat scope, or a member's calling token, as
 * {@code Authorization: Bearer}. Refusals answer with ACS's error body and status.
 */
public final class ChatThreadRoutes {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern API_VERSION = Pattern.compile("\\d{4}-\\d{2}-\\d{2}(-preview)?");
    /** Most messages per page (ACS's largest {@code maxPageSize}) and the default. */
    static final int MAX_PAGE = 200;
    static final int DEFAULT_PAGE = 20;
    /** A request body larger than this cannot hold a valid message (28 KiB of content plus JSON). */
    private static final int MAX_BODY_BYTES = 64 * 1024;
    /** No message id Porta hands out is longer (the store's column); a longer one is refused before any lookup. */
    static final int MAX_MESSAGE_ID_CHARS = 64;

    private final CallingService calling;
    private final CallerAuthenticator authenticator;
    /** The meeting id of the meeting whose {@code chatInfo.threadId} is the argument. */
    private final Function<String, Optional<String>> meetingOfThread;
    /** Requests per identity: the WebSocket's per-connection message budget, so REST is no way around it. */
    private final RateLimiter perIdentity;

    public ChatThreadRoutes(CallingService calling, CallerAuthenticator authenticator,
                            Function<String, Optional<String>> meetingOfThread, RateLimiter perIdentity) {
        this.calling = calling;
        this.authenticator = authenticator;
        this.meetingOfThread = meetingOfThread;
        this.perIdentity = perIdentity;
    }

    public void register(JavalinDefaultRoutingApi r) {
        String thread = "/chat/threads/{chatThreadId}";
        r.get(thread, ctx -> on(ctx, this::properties));
        r.post(thread + "/messages", ctx -> on(ctx, this::send));
        r.get(thread + "/messages", ctx -> on(ctx, this::list));
        r.get(thread + "/messages/{chatMessageId}", ctx -> on(ctx, this::get));
        r.patch(thread + "/messages/{chatMessageId}", ctx -> on(ctx, this::update));
        r.delete(thread + "/messages/{chatMessageId}", ctx -> on(ctx, this::delete));
        r.get(thread + "/participants", ctx -> on(ctx, this::participants));
        r.post(thread + "/typing", ctx -> on(ctx, this::typing));
        r.post(thread + "/readReceipts", ctx -> on(ctx, this::markRead));
        r.get(thread + "/readReceipts", ctx -> on(ctx, this::readReceipts));
    }

    /** One authenticated operation on one thread. */
    private interface Operation {
        void run(Context ctx, ThreadChat thread, String identityId) throws ChatApiError;
    }

    private void on(Context ctx, Operation op) {
        try {
            String version = ctx.queryParam("api-version");
            if (version == null || !API_VERSION.matcher(version).matches()) {
                throw new ChatApiError(400, "BadRequest", "The api-version query parameter is missing or invalid.");
            }
            String identityId = authenticate(ctx);
            if (!perIdentity.tryAcquire(identityId)) {
                long seconds = Math.max(1, perIdentity.retryAfter(identityId).toSeconds());
                ctx.header("Retry-After", Long.toString(seconds));
                throw new ChatApiError(429, "TooManyRequests", "Too many requests; retry after " + seconds + " s.");
            }
            String threadId = decoded(ctx.pathParam("chatThreadId"));
            String meetingId = meetingOfThread.apply(threadId)
                    .orElseThrow(() -> new ChatApiError(404, "NotFound", "The chat thread was not found."));
            // Nobody is in the meeting right now: nobody is a participant of its thread.
            ThreadChat chat = calling.threadChat(meetingId).orElseThrow(ChatThreadRoutes::notAParticipant);
            op.run(ctx, chat, identityId);
        } catch (ChatApiError e) {
            e.send(ctx);
        } catch (ThreadChat.RefusedException e) {
            ChatApiError.of(e).send(ctx);
        } catch (dev.porta.calling.live.LiveMeeting.Busy e) {
            // the meeting has calling.meeting-queue requests waiting: nothing changed; the client may retry
            ctx.header("Retry-After", "1");
            new ChatApiError(503, "ServiceUnavailable", "The meeting is busy; retry shortly.").send(ctx);
        }
    }

    private String authenticate(Context ctx) throws ChatApiError {
        String header = ctx.header("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw new ChatApiError(401, "Unauthorized", "An access token is required.");
        }
        Authentication auth = authenticator.authenticate(header.substring(7).strip());
        if (!(auth instanceof Authentication.Authenticated a)) {
            throw new ChatApiError(401, "Unauthorized", "The access token is invalid, expired or revoked.");
        }
        if (a.caller() instanceof Caller.Guest g && !(g.scopes().contains("chat") || g.scopes().contains("chat.join")
                || g.scopes().contains("chat.join.limited"))) {
            throw new ChatApiError(403, "Forbidden", "The access token has no chat scope.");
        }
        return a.caller().identityId();
    }

    private void properties(Context ctx, ThreadChat chat, String identityId) {
        ThreadChat.Properties p = chat.properties(identityId);
        ObjectNode out = JSON.createObjectNode();
        out.put("id", decoded(ctx.pathParam("chatThreadId")));
        out.put("topic", p.topic());
        out.put("createdOn", p.createdOn().toString());
        out.set("createdByCommunicationIdentifier", identifier(p.organizerRawId()));
        json(ctx, 200, out);
    }

    private void send(Context ctx, ThreadChat chat, String identityId) throws ChatApiError {
        JsonNode body = body(ctx);
        String type = body.path("type").asText("text");
        if (!type.equalsIgnoreCase("text") && !type.equalsIgnoreCase("html")) {
            throw new ChatApiError(400, "BadRequest", "Only text and html messages can be sent.");
        }
        ChatEntry e = chat.send(identityId, content(body));
        ObjectNode out = JSON.createObjectNode();
        out.put("id", e.messageId());
        json(ctx, 201, out);
    }

    /** Newest first, as ACS lists them; {@code startTime} keeps messages sent at or after it. */
    private void list(Context ctx, ThreadChat chat, String identityId) throws ChatApiError {
        int size = pageSize(ctx);
        Instant startTime = instant(ctx.queryParam("startTime"));
        int skip = nonNegative(ctx.queryParam("skip"));
        List<ChatEntry> visible = chat.messages(identityId).reversed().stream()
                .filter(e -> startTime == null || !e.sentAt().isBefore(startTime)).toList();
        List<ChatEntry> page = visible.subList(Math.min(skip, visible.size()), Math.min(skip + size, visible.size()));
        ObjectNode out = JSON.createObjectNode();
        ArrayNode value = out.putArray("value");
        page.forEach(e -> value.add(message(e)));
        if (skip + size < visible.size()) {
            out.put("nextLink", nextLink(ctx, size, skip + size));
        }
        json(ctx, 200, out);
    }

    private void get(Context ctx, ThreadChat chat, String identityId) {
        json(ctx, 200, message(chat.message(identityId, ctx.pathParam("chatMessageId"))));
    }

    private void update(Context ctx, ThreadChat chat, String identityId) throws ChatApiError {
        JsonNode body = body(ctx);
        String messageId = ctx.pathParam("chatMessageId");
        if (body.has("content")) {
            chat.edit(identityId, messageId, content(body));
        } else {
            chat.message(identityId, messageId); // nothing to change, but the message must exist
        }
        ctx.status(204);
    }

    private void delete(Context ctx, ThreadChat chat, String identityId) {
        chat.delete(identityId, ctx.pathParam("chatMessageId"));
        ctx.status(204);
    }

    private void participants(Context ctx, ThreadChat chat, String identityId) throws ChatApiError {
        page(ctx, chat.members(identityId), (m, p) -> {
            p.set("communicationIdentifier", identifier(m.rawId()));
            p.put("displayName", m.displayName());
            p.put("shareHistoryTime", m.admittedAt().toString());
        });
    }

    /** Answers one skip/maxPageSize page of {@code all}, with the nextLink the SDKs follow for the rest. */
    private <T> void page(Context ctx, List<T> all, java.util.function.BiConsumer<T, ObjectNode> write) throws ChatApiError {
        int size = pageSize(ctx);
        int skip = nonNegative(ctx.queryParam("skip"));
        ObjectNode out = JSON.createObjectNode();
        ArrayNode value = out.putArray("value");
        for (T item : all.subList(Math.min(skip, all.size()), Math.min(skip + size, all.size()))) {
            write.accept(item, value.addObject());
        }
        if (skip + size < all.size()) {
            out.put("nextLink", nextLink(ctx, size, skip + size));
        }
        json(ctx, 200, out);
    }

    /**
     * Relayed live to the other participants over the calling WebSocket ({@code typingIndicator}), at most one per
     * sender per {@link ThreadChat#TYPING_INTERVAL}; the body ({@code senderDisplayName}) is not used, since the
     * participant's name is the one they joined with.
     */
    private void typing(Context ctx, ThreadChat chat, String identityId) {
        chat.typing(identityId);
        ctx.status(200);
    }

    private void markRead(Context ctx, ThreadChat chat, String identityId) throws ChatApiError {
        JsonNode id = body(ctx).get("chatMessageId");
        if (id == null || !id.isTextual() || id.asText().isEmpty()) {
            throw new ChatApiError(400, "BadRequest", "chatMessageId is required.");
        }
        if (id.asText().length() > MAX_MESSAGE_ID_CHARS) {
            throw new ChatApiError(400, "BadRequest", "chatMessageId is longer than " + MAX_MESSAGE_ID_CHARS + " characters.");
        }
        chat.markRead(identityId, id.asText());
        ctx.status(200);
    }

    private void readReceipts(Context ctx, ThreadChat chat, String identityId) throws ChatApiError {
        page(ctx, chat.readReceipts(identityId), (r, o) -> {
            o.set("senderCommunicationIdentifier", identifier(r.readerRawId()));
            o.put("chatMessageId", r.messageId());
            o.put("readOn", r.readOn().toString());
        });
    }

    // ---- JSON shapes ----

    private static ObjectNode message(ChatEntry e) {
        ObjectNode m = JSON.createObjectNode();
        m.put("id", e.messageId());
        m.put("type", "text");
        m.put("sequenceId", sequenceOf(e.messageId()));
        m.put("version", Long.toString((e.editedAt() == null ? e.sentAt() : e.editedAt()).toEpochMilli()));
        m.putObject("content").put("message", e.text());
        m.put("senderDisplayName", e.senderName());
        m.put("createdOn", e.sentAt().toString());
        m.set("senderCommunicationIdentifier", identifier(e.senderRawId()));
        if (e.editedAt() != null) {
            m.put("editedOn", e.editedAt().toString());
        }
        return m;
    }

    /** The message's number within its meeting ({@code m-<n>-…}), ACS's ordering key. */
    private static String sequenceOf(String messageId) {
        String[] parts = messageId.split("-");
        return parts.length > 1 ? parts[1] : "0";
    }

    /** ACS's identifier model: exactly one kind, with the raw id. */
    static ObjectNode identifier(String rawId) {
        ObjectNode id = JSON.createObjectNode();
        id.put("rawId", rawId);
        if (rawId.startsWith("8:orgid:")) {
            ObjectNode member = id.putObject("microsoftTeamsUser");
            member.put("userId", rawId.substring("8:orgid:".length()));
            member.put("isAnonymous", false);
            member.put("cloud", "public");
        } else {
            id.putObject("communicationUser").put("id", rawId);
        }
        return id;
    }

    // ---- request parsing ----

    private static JsonNode body(Context ctx) throws ChatApiError {
        byte[] raw = ctx.bodyAsBytes();
        if (raw.length > MAX_BODY_BYTES) {
            throw new ChatApiError(413, "RequestEntityTooLarge", "The request body is too large.");
        }
        String type = ctx.contentType();
        if (type == null || !(type.toLowerCase(Locale.ROOT).startsWith("application/json")
                || type.toLowerCase(Locale.ROOT).startsWith("application/merge-patch+json"))) {
            throw new ChatApiError(415, "UnsupportedMediaType", "The request body must be JSON.");
        }
        try {
            JsonNode node = JSON.readTree(raw);
            if (node == null || !node.isObject()) {
                throw new ChatApiError(400, "BadRequest", "The request body must be a JSON object.");
            }
            return node;
        } catch (java.io.IOException e) { // malformed JSON
            throw new ChatApiError(400, "BadRequest", "The request body is not valid JSON.");
        }
    }

    private static String content(JsonNode body) throws ChatApiError {
        JsonNode c = body.get("content");
        if (c == null || !c.isTextual()) {
            throw new ChatApiError(400, "BadRequest", "content is required.");
        }
        return c.asText();
    }

    private static int pageSize(Context ctx) throws ChatApiError {
        String s = ctx.queryParam("maxPageSize");
        if (s == null) {
            return DEFAULT_PAGE;
        }
        int n = nonNegative(s);
        if (n < 1 || n > MAX_PAGE) {
            throw new ChatApiError(400, "BadRequest", "maxPageSize must be between 1 and " + MAX_PAGE + ".");
        }
        return n;
    }

    private static int nonNegative(String s) throws ChatApiError {
        if (s == null) {
            return 0;
        }
        try {
            int n = Integer.parseInt(s);
            if (n < 0) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new ChatApiError(400, "BadRequest", "Invalid number: " + s.substring(0, Math.min(20, s.length())));
        }
    }

    private static Instant instant(String s) throws ChatApiError {
        if (s == null) {
            return null;
        }
        try {
            return java.time.OffsetDateTime.parse(s).toInstant();
        } catch (java.time.format.DateTimeParseException e) {
            throw new ChatApiError(400, "BadRequest", "startTime must be an ISO-8601 date-time.");
        }
    }

    /** The same request for the next page (absolute, as ACS sends it). */
    private static String nextLink(Context ctx, int size, int skip) {
        StringBuilder link = new StringBuilder(ctx.scheme()).append("://").append(ctx.host()).append(ctx.path())
                .append("?api-version=").append(ctx.queryParam("api-version"))
                .append("&maxPageSize=").append(size).append("&skip=").append(skip);
        String start = ctx.queryParam("startTime");
        if (start != null) {
            link.append("&startTime=").append(java.net.URLEncoder.encode(start, StandardCharsets.UTF_8));
        }
        return link.toString();
    }

    private static String decoded(String pathParam) {
        return pathParam.indexOf('%') < 0 ? pathParam : URLDecoder.decode(pathParam, StandardCharsets.UTF_8);
    }

    private static void json(Context ctx, int status, JsonNode body) {
        ctx.status(status).contentType("application/json").result(body.toString());
    }

    private static ChatApiError notAParticipant() {
        return new ChatApiError(403, "Forbidden", "Permission check failed: the caller is not a participant of this thread.");
    }
}
