// SPDX-License-Identifier: Apache-2.0
package dev.porta.calling.live;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Resume tokens that any node of a cluster can check, so that a participant whose meeting's home node died
 * resumes on the node that takes the meeting over (docs/cluster.md, "A node dies").
 *
 * <p>A token is {@code r1.<payload>.<mac>}: the payload (128 random bits, so every token is unguessable and
 * unique as before, then who the participant was: meeting, participant id, identity, when it was let in (if it was),
 * display name, the node that issued it, when it expires) and an HMAC-SHA256 over it under a key every node
 * derives from the shared master key. The issuing node still looks tokens up in memory, as before; only a
 * node that does not know a token opens it ({@link #open}), and then only for a meeting whose home moved
 * (the service's checks). The ticket names the identity: a resume must also present a valid access token of
 * that identity, so a leaked ticket alone lets nobody in.
 */
public final class ResumeTickets {
    private static final String PREFIX = "r1.";
    /** Longest token accepted (a display name is at most 256 chars; ids are short): bounds the work per resume. */
    private static final int MAX_CHARS = 2048;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** What a ticket says about its participant. */
    /** @param admittedAt when the participant was let in (what chat history it may see); null: it was in the lobby */
    public record Ticket(String meetingId, ParticipantId participantId, String identity, Instant admittedAt,
                         String displayName, String issuedBy, Instant expiresAt) {
        public Ticket {
            Objects.requireNonNull(meetingId);
            Objects.requireNonNull(participantId);
            Objects.requireNonNull(identity);
            Objects.requireNonNull(displayName);
            Objects.requireNonNull(issuedBy);
            Objects.requireNonNull(expiresAt);
        }
    }

    private final SecretKeySpec key;
    private final String nodeId;

    /**
     * @param clusterSecret the same secret on every node (derived from the master key), at least 32 bytes
     * @param nodeId        this node's id: written into the tickets it issues
     */
    public ResumeTickets(byte[] clusterSecret, String nodeId) {
        if (clusterSecret.length < 32) {
            throw new IllegalArgumentException("the resume-ticket secret needs at least 32 bytes");
        }
        this.key = new SecretKeySpec(hmac(new SecretKeySpec(clusterSecret, "HmacSHA256"),
                "porta resume ticket v1".getBytes(StandardCharsets.US_ASCII)), "HmacSHA256");
        this.nodeId = Objects.requireNonNull(nodeId);
    }

    public String nodeId() {
        return nodeId;
    }

    /** A fresh token for the participant (issued by this node); {@code admittedAt} null while in the lobby. */
    public String seal(String meetingId, ParticipantId participantId, String identity, Instant admittedAt,
                       String displayName, Instant expiresAt) {
        byte[] nonce = new byte[16];
        RANDOM.nextBytes(nonce);
        var bytes = new ByteArrayOutputStream();
        try (var out = new DataOutputStream(bytes)) {
            out.write(nonce);
            out.writeUTF(meetingId);
            out.writeUTF(participantId.value());
            out.writeUTF(identity);
            out.writeLong(admittedAt == null ? Long.MIN_VALUE : admittedAt.toEpochMilli());
            out.writeUTF(displayName);
            out.writeUTF(nodeId);
            out.writeLong(expiresAt.toEpochMilli());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        byte[] payload = bytes.toByteArray();
        var b64 = Base64.getUrlEncoder().withoutPadding();
        return PREFIX + b64.encodeToString(payload) + "." + b64.encodeToString(hmac(key, payload));
    }

    /** The ticket in {@code token}, or null when it is not one, was not made with this cluster's key, or expired. */
    public Ticket open(String token, Instant now) {
        if (token == null || token.length() > MAX_CHARS || !token.startsWith(PREFIX)) {
            return null;
        }
        int dot = token.indexOf('.', PREFIX.length());
        if (dot < 0) {
            return null;
        }
        byte[] payload;
        byte[] mac;
        try {
            var b64 = Base64.getUrlDecoder();
            payload = b64.decode(token.substring(PREFIX.length(), dot));
            mac = b64.decode(token.substring(dot + 1));
        } catch (IllegalArgumentException e) {
            return null;
        }
        if (!MessageDigest.isEqual(hmac(key, payload), mac)) {
            return null;
        }
        try (var in = new DataInputStream(new ByteArrayInputStream(payload))) {
            in.skipNBytes(16);
            String meetingId = in.readUTF();
            var participantId = new ParticipantId(in.readUTF());
            String identity = in.readUTF();
            long admitted = in.readLong();
            Ticket t = new Ticket(meetingId, participantId, identity, admitted == Long.MIN_VALUE ? null : Instant.ofEpochMilli(admitted),
                    in.readUTF(), in.readUTF(), Instant.ofEpochMilli(in.readLong()));
            return t.expiresAt().isAfter(now) ? t : null;
        } catch (IOException | RuntimeException e) {
            return null; // authentic but unreadable: another version's layout
        }
    }

    private static byte[] hmac(SecretKeySpec key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
