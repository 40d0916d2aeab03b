// SPDX-License-Identifier: Apache-2.0
package dev.porta.meetings;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.porta.common.Database;
import dev.porta.common.Sql;
import dev.porta.directory.LobbyBypassScope;
import dev.porta.directory.MemberId;
import dev.porta.directory.TenantId;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** {@link MeetingStore} on H2 or PostgreSQL; attendees and options are JSON text columns. */
public final class JdbcMeetingStore implements MeetingStore {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String UNIQUE_VIOLATION = "23505";

    private final Sql sql;

    public JdbcMeetingStore(Database db) {
        db.migrate("meetings");
        this.sql = new Sql(db);
    }

    @Override
    public void insert(OnlineMeeting m) {
        try {
            sql.update("INSERT INTO meetings_online_meeting (id, tenant_id, organizer_id, subject, start_at, end_at, created_at, expiry_at, "
                            + "external_id, join_meeting_id, passcode, passcode_required, thread_id, lobby_scope, dial_in_bypass, "
                            + "allowed_presenters, attendees_json, options_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    m.id().value(), m.tenantId().value(), m.organizerId().value(), m.subject(), m.start(), m.end(), m.created(),
                    Optional.ofNullable(m.expiry()), m.externalId(), m.joinMeetingId(), m.passcode(), m.passcodeRequired(), m.threadId(),
                    m.lobbyBypass().scope().wire(), m.lobbyBypass().dialInBypassEnabled(), m.allowedPresenters().wire(),
                    attendeesJson(m.attendees()), optionsJson(m.options()));
        } catch (Sql.StorageException e) {
            if (e.getCause() instanceof SQLException s && UNIQUE_VIOLATION.equals(s.getSQLState())) {
                throw new DuplicateException(e);
            }
            throw e;
        }
    }

    @Override
    public Optional<OnlineMeeting> find(MeetingId id) {
        return sql.one("SELECT * FROM meetings_online_meeting WHERE id = ?", JdbcMeetingStore::meeting, id.value());
    }

    @Override
    public Optional<OnlineMeeting> findByThreadId(String threadId) {
        return sql.one("SELECT * FROM meetings_online_meeting WHERE thread_id = ?", JdbcMeetingStore::meeting, threadId);
    }

    @Override
    public Optional<OnlineMeeting> findByJoinMeetingId(String joinMeetingId) {
        return sql.one("SELECT * FROM meetings_online_meeting WHERE join_meeting_id = ?", JdbcMeetingStore::meeting, joinMeetingId);
    }

    @Override
    public Optional<OnlineMeeting> findByExternalId(TenantId tenant, MemberId organizer, String externalId) {
        return sql.one("SELECT * FROM meetings_online_meeting WHERE tenant_id = ? AND organizer_id = ? AND external_id = ?",
                JdbcMeetingStore::meeting, tenant.value(), organizer.value(), externalId);
    }

    @Override
    public boolean update(OnlineMeeting m) {
        return sql.update("UPDATE meetings_online_meeting SET subject = ?, start_at = ?, end_at = ?, expiry_at = ?, lobby_scope = ?, "
                        + "dial_in_bypass = ?, allowed_presenters = ?, attendees_json = ?, options_json = ? WHERE id = ?",
                m.subject(), m.start(), m.end(), Optional.ofNullable(m.expiry()), m.lobbyBypass().scope().wire(),
                m.lobbyBypass().dialInBypassEnabled(), m.allowedPresenters().wire(), attendeesJson(m.attendees()),
                optionsJson(m.options()), m.id().value()) == 1;
    }

    @Override
    public boolean delete(MeetingId id) {
        return sql.update("DELETE FROM meetings_online_meeting WHERE id = ?", id.value()) == 1;
    }

    private static OnlineMeeting meeting(ResultSet rs) throws SQLException {
        return new OnlineMeeting(new MeetingId(rs.getString("id")), new TenantId(rs.getString("tenant_id")),
                new MemberId(rs.getString("organizer_id")), rs.getString("subject"),
                Sql.instant(rs, "start_at").orElseThrow(), Sql.instant(rs, "end_at").orElseThrow(),
                Sql.instant(rs, "created_at").orElseThrow(), Sql.instant(rs, "expiry_at").orElse(null),
                rs.getString("external_id"), rs.getString("join_meeting_id"), rs.getString("passcode"),
                rs.getBoolean("passcode_required"), rs.getString("thread_id"), attendees(rs.getString("attendees_json")),
                new LobbyBypass(LobbyBypassScope.fromWire(rs.getString("lobby_scope")).orElse(LobbyBypassScope.ORGANIZER),
                        rs.getBoolean("dial_in_bypass")),
                AllowedPresenters.fromWire(rs.getString("allowed_presenters")).orElse(AllowedPresenters.ORGANIZER),
                options(rs.getString("options_json")));
    }

    private static String attendeesJson(List<Attendee> attendees) {
        ArrayNode a = JSON.createArrayNode();
        for (Attendee at : attendees) {
            ObjectNode o = a.addObject();
            o.put("id", at.userId());
            o.put("displayName", at.displayName());
            o.put("upn", at.userPrincipalName());
            o.put("role", at.role().wire());
        }
        return a.toString();
    }

    private static List<Attendee> attendees(String json) throws SQLException {
        try {
            List<Attendee> out = new ArrayList<>();
            for (var n : JSON.readTree(json)) {
                out.add(new Attendee(n.path("id").asText(""), n.path("displayName").asText(""), n.path("upn").asText(""),
                        MeetingRole.fromWire(n.path("role").asText()).orElse(MeetingRole.ATTENDEE)));
            }
            return out;
        } catch (JsonProcessingException e) {
            throw new SQLException("stored attendees are not JSON", e);
        }
    }

    private static String optionsJson(MeetingOptions options) {
        try {
            return JSON.writeValueAsString(options.values());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static MeetingOptions options(String json) throws SQLException {
        try {
            Map<String, Object> stored = JSON.readValue(json, new TypeReference<Map<String, Object>>() { });
            // Options a later version dropped are skipped rather than failing the read.
            stored.keySet().retainAll(MeetingOptions.SCHEMA.keySet());
            return MeetingOptions.defaults().with(stored);
        } catch (JsonProcessingException e) {
            throw new SQLException("stored options are not JSON", e);
        }
    }
}
