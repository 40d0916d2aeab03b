// SPDX-License-Identifier: Apache-2.0
package dev.porta.meetings.graph;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.porta.directory.Member;
import dev.porta.meetings.OnlineMeeting;
import dev.porta.meetings.recording.MeetingRecordings;
import dev.porta.meetings.recording.MeetingRecordings.Recording;
import io.javalin.http.Context;
import java.time.Clock;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Supplier;

/**
 * Graph's recordings of an online meeting ({@code …/onlineMeetings/{id}/recordings}, {@code …/{id}/content}):
 * a {@code callRecording} per completed recording, its content as {@code video/mp4}. Callers are authorized
 * by {@link OnlineMeetingRoutes} first ({@code OnlineMeetingRecording.Read.All} and the access policy).
 */
final class RecordingRoutes {
    private final MeetingRecordings recordings;
    private final Supplier<String> baseUrl;
    private final Clock clock;
    private final BiFunction<Context, Member, Optional<OnlineMeeting>> meeting;

    /** @param meeting finds the path's meeting of the organizer, or answers 404 itself */
    RecordingRoutes(MeetingRecordings recordings, Supplier<String> baseUrl, Clock clock,
                    BiFunction<Context, Member, Optional<OnlineMeeting>> meeting) {
        this.recordings = recordings;
        this.baseUrl = baseUrl;
        this.clock = clock;
        this.meeting = meeting;
    }

    void list(Context ctx, Member organizer) {
        meeting.apply(ctx, organizer).ifPresent(m -> {
            ObjectNode body = GraphJson.JSON.createObjectNode();
            body.put("@odata.context", context(organizer, m, "/recordings"));
            ArrayNode value = body.putArray("value");
            for (Recording r : recordings.list(m.id().value())) {
                value.add(json(r, organizer, m));
            }
            ctx.status(200).contentType("application/json; charset=utf-8").result(body.toString());
        });
    }

    void get(Context ctx, Member organizer) {
        meeting.apply(ctx, organizer).ifPresent(m -> recording(ctx, m).ifPresent(r -> {
            ObjectNode body = json(r, organizer, m);
            body.put("@odata.context", context(organizer, m, "/recordings/$entity"));
            ctx.status(200).contentType("application/json; charset=utf-8").result(body.toString());
        }));
    }

    void content(Context ctx, Member organizer) {
        meeting.apply(ctx, organizer).ifPresent(m -> {
            Optional<MeetingRecordings.Content> c = recordings.open(m.id().value(), ctx.pathParam("recordingId"));
            if (c.isEmpty()) {
                notFound(ctx);
                return;
            }
            ctx.status(200).contentType(c.get().contentType()).header("Content-Length", Long.toString(c.get().bytes()))
                    .result(c.get().stream());
        });
    }

    private Optional<Recording> recording(Context ctx, OnlineMeeting m) {
        Optional<Recording> r = recordings.find(m.id().value(), ctx.pathParam("recordingId"));
        if (r.isEmpty()) {
            notFound(ctx);
        }
        return r;
    }

    private void notFound(Context ctx) {
        GraphError.send(ctx, clock, 404, "itemNotFound", "The recording was not found.");
    }

    private ObjectNode json(Recording r, Member organizer, OnlineMeeting m) {
        ObjectNode o = GraphJson.JSON.createObjectNode();
        o.put("id", r.id());
        o.put("meetingId", m.id().value());
        o.putObject("meetingOrganizer").putObject("user").put("id", organizer.id().value())
                .put("tenantId", organizer.tenantId().value()).put("displayName", organizer.displayName());
        o.put("createdDateTime", r.createdDateTime().toString());
        o.put("endDateTime", r.endDateTime() == null ? null : r.endDateTime().toString());
        o.put("recordingContentUrl", baseUrl.get() + "v1.0/users/" + organizer.id().value() + "/onlineMeetings/"
                + m.id().value() + "/recordings/" + r.id() + "/content");
        o.put("contentCorrelationId", r.id());
        return o;
    }

    private String context(Member organizer, OnlineMeeting m, String tail) {
        return baseUrl.get() + "v1.0/$metadata#users('" + organizer.id() + "')/onlineMeetings('" + m.id().value() + "')" + tail;
    }
}
