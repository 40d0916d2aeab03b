// SPDX-License-Identifier: Apache-2.0
package dev.porta.meetings.graph;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.porta.directory.Directory;
import dev.porta.directory.Member;
import dev.porta.directory.MemberId;
import dev.porta.directory.TenantId;
import dev.porta.meetings.OnlineMeeting;
import dev.porta.meetings.attendance.Attendance.Interval;
import dev.porta.meetings.attendance.Attendance.Record;
import dev.porta.meetings.attendance.Attendance.Report;
import dev.porta.meetings.attendance.JdbcAttendanceStore;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Supplier;

/**
 * Graph's attendance reports of an online meeting ({@code …/onlineMeetings/{id}/attendanceReports},
 * {@code …/attendanceRecords}): one report per session of the live meeting, one record per identity —
 * a member as a {@code communicationsUserIdentity}, a guest as an {@code azureCommunicationServicesUserIdentity}
 * with its {@code 8:acs:…} id. Callers are authorized by {@link OnlineMeetingRoutes} first.
 */
final class AttendanceRoutes {
    private final JdbcAttendanceStore store;
    private final Directory directory;
    private final Supplier<String> baseUrl;
    private final Clock clock;
    private final BiFunction<Context, Member, Optional<OnlineMeeting>> meeting;

    /** @param meeting finds the path's meeting of the organizer, or answers 404 itself */
    AttendanceRoutes(JdbcAttendanceStore store, Directory directory, Supplier<String> baseUrl, Clock clock,
                     BiFunction<Context, Member, Optional<OnlineMeeting>> meeting) {
        this.store = store;
        this.directory = directory;
        this.baseUrl = baseUrl;
        this.clock = clock;
        this.meeting = meeting;
    }

    void listReports(Context ctx, Member organizer) {
        meeting.apply(ctx, organizer).ifPresent(m -> {
            ObjectNode body = collection(organizer, m, "/attendanceReports");
            ArrayNode value = body.putArray("value");
            for (Report r : store.reports(m.id())) {
                value.add(report(r, store.records(r.id()), false, organizer.tenantId()));
            }
            json(ctx, body);
        });
    }

    void getReport(Context ctx, Member organizer) {
        report(ctx, organizer).ifPresent(found -> {
            ObjectNode body = report(found.report(), store.records(found.report().id()), true, organizer.tenantId());
            body.put("@odata.context", context(organizer, found.meeting(), "/attendanceReports/$entity"));
            json(ctx, body);
        });
    }

    void listRecords(Context ctx, Member organizer) {
        report(ctx, organizer).ifPresent(found -> {
            ObjectNode body = collection(organizer, found.meeting(), "/attendanceReports('" + found.report().id() + "')/attendanceRecords");
            ArrayNode value = body.putArray("value");
            store.records(found.report().id()).forEach(r -> value.add(record(r, organizer.tenantId())));
            json(ctx, body);
        });
    }

    void getRecord(Context ctx, Member organizer) {
        report(ctx, organizer).ifPresent(found -> {
            String recordId = ctx.pathParam("recordId");
            Optional<Record> record = store.records(found.report().id()).stream().filter(r -> recordId(r).equals(recordId)).findFirst();
            if (record.isEmpty()) {
                GraphError.send(ctx, clock, 404, "itemNotFound", "The attendance record was not found.");
                return;
            }
            ObjectNode body = record(record.get(), organizer.tenantId());
            body.put("@odata.context", context(organizer, found.meeting(),
                    "/attendanceReports('" + found.report().id() + "')/attendanceRecords/$entity"));
            json(ctx, body);
        });
    }

    private record Found(OnlineMeeting meeting, Report report) { }

    private Optional<Found> report(Context ctx, Member organizer) {
        Optional<OnlineMeeting> m = meeting.apply(ctx, organizer);
        if (m.isEmpty()) {
            return Optional.empty();
        }
        String reportId = ctx.pathParam("reportId");
        Optional<Report> r = reportId.length() <= 64 ? store.report(m.get().id(), reportId) : Optional.empty();
        if (r.isEmpty()) {
            GraphError.send(ctx, clock, 404, "itemNotFound", "The attendance report was not found.");
            return Optional.empty();
        }
        return Optional.of(new Found(m.get(), r.get()));
    }

    private ObjectNode report(Report r, List<Record> records, boolean withRecords, TenantId tenant) {
        ObjectNode o = GraphJson.JSON.createObjectNode();
        o.put("id", r.id());
        o.put("totalParticipantCount", records.size());
        o.put("meetingStartDateTime", iso(r.startedAt()));
        o.put("meetingEndDateTime", iso(r.endedAt()));
        if (withRecords) {
            ArrayNode list = o.putArray("attendanceRecords");
            records.forEach(rec -> list.add(record(rec, tenant)));
        }
        return o;
    }

    private ObjectNode record(Record r, TenantId meetingTenant) {
        ObjectNode o = GraphJson.JSON.createObjectNode();
        o.put("id", recordId(r));
        o.put("emailAddress", r.guest() ? null : email(r).orElse(null));
        o.put("totalAttendanceInSeconds", r.totalSeconds());
        o.put("role", switch (r.role()) {
            case "organizer" -> "Organizer";
            case "presenter" -> "Presenter";
            case "attendee" -> "Attendee";
            default -> "None";
        });
        ObjectNode identity = o.putObject("identity");
        if (r.guest()) {
            identity.put("@odata.type", "#microsoft.graph.azureCommunicationServicesUserIdentity");
            identity.put("id", r.rawId());
            identity.put("displayName", r.displayName());
            identity.put("azureCommunicationServicesResourceId", acsResource(r.rawId()));
        } else {
            identity.put("@odata.type", "#microsoft.graph.communicationsUserIdentity");
            identity.put("id", memberId(r));
            identity.put("displayName", r.displayName());
            identity.put("tenantId", r.tenantId() != null ? r.tenantId() : meetingTenant.value());
        }
        ArrayNode intervals = o.putArray("attendanceIntervals");
        for (Interval i : r.intervals()) {
            ObjectNode n = intervals.addObject();
            n.put("joinDateTime", iso(i.joinedAt()));
            n.put("leaveDateTime", iso(i.leftAt()));
            n.put("durationInSeconds", i.seconds());
        }
        return o;
    }

    /** A member's record is named by their object id, a guest's by their {@code 8:acs:…} identity. */
    private static String recordId(Record r) {
        return r.guest() ? r.rawId() : memberId(r);
    }

    private static String memberId(Record r) {
        return r.rawId().startsWith("8:orgid:") ? r.rawId().substring("8:orgid:".length()) : r.rawId();
    }

    /** {@code 8:acs:<resource>_<user>} → the resource id; null when the form is unexpected. */
    private static String acsResource(String rawId) {
        if (!rawId.startsWith("8:acs:")) {
            return null;
        }
        String rest = rawId.substring("8:acs:".length());
        int underscore = rest.indexOf('_');
        return underscore > 0 ? rest.substring(0, underscore) : null;
    }

    private Optional<String> email(Record r) {
        if (r.tenantId() == null) {
            return Optional.empty();
        }
        try {
            TenantId tenant = new TenantId(r.tenantId());
            return MemberId.parse(memberId(r)).flatMap(id -> directory.member(tenant, id)).map(Member::userPrincipalName);
        } catch (IllegalArgumentException notATenantId) {
            return Optional.empty();
        }
    }

    private ObjectNode collection(Member organizer, OnlineMeeting m, String tail) {
        ObjectNode body = GraphJson.JSON.createObjectNode();
        body.put("@odata.context", context(organizer, m, tail));
        return body;
    }

    private String context(Member organizer, OnlineMeeting m, String tail) {
        return baseUrl.get() + "v1.0/$metadata#users('" + organizer.id() + "')/onlineMeetings('" + m.id().value() + "')" + tail;
    }

    private static void json(Context ctx, ObjectNode body) {
        ctx.status(200).contentType("application/json; charset=utf-8").result(body.toString());
    }

    private static String iso(Instant i) {
        return i == null ? null : i.toString();
    }
}
