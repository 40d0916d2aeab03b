// SPDX-License-Identifier: Apache-2.0
package dev.porta.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.graph.models.CallRecording;
import com.microsoft.graph.models.OnlineMeeting;
import com.microsoft.graph.models.odataerrors.ODataError;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import dev.porta.directory.AppPermission;
import dev.porta.media.record.RecordingId;
import dev.porta.media.record.RecordingStore;
import dev.porta.server.RunningPorta;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 17 item 4: the official Graph SDK (its {@code onlineMeetings/{id}/recordings} request builders) lists a
 * meeting's recordings and downloads one, with {@code OnlineMeetingRecording.Read.All} and the application
 * access policy. The recording is put in Porta's recording store the way the SFU's recorder leaves it (a
 * composed MP4 made here by the real ffmpeg): the recorder itself is tested in porta-media.
 */
class RecordingsSdkTest {
    static RunningPorta porta;
    static String tenant;
    static String organizerId;

    @BeforeAll
    static void start() throws Exception {
        porta = RunningPorta.start();
        JsonNode demo = porta.demo();
        tenant = demo.get("tenantId").asText();
        organizerId = demo.at("/members/0/id").asText();
    }

    @AfterAll
    static void stop() {
        porta.close();
    }

    @Test
    void theSdkListsAMeetingsRecordingAndDownloadsItsContent() throws Exception {
        assumeThat(ffmpeg()).as("ffmpeg is not installed (apt-get install ffmpeg): SKIPPING the recordings SDK test").isTrue();
        GraphServiceClient graph = appClient("Recording reader", EnumSet.of(AppPermission.ONLINE_MEETINGS_READ_WRITE_ALL,
                AppPermission.ONLINE_MEETING_RECORDING_READ_ALL), true);
        OnlineMeeting meeting = meeting(graph);
        RecordingStore store = porta.server().meetings().recordings();
        RecordingId id = RecordingId.random(meeting.getId());
        Path dir = store.begin(id, Instant.now().minusSeconds(60));
        Path mp4 = dir.resolve("recording.mp4");
        Process p = new ProcessBuilder("ffmpeg", "-v", "error", "-nostdin", "-f", "lavfi", "-i", "testsrc2=size=320x180:rate=15:duration=1",
                "-f", "lavfi", "-i", "sine=frequency=440:duration=1", "-c:v", "libx264", "-c:a", "aac", "-shortest", mp4.toString())
                .redirectErrorStream(true).start();
        assertThat(p.waitFor()).as(new String(p.getInputStream().readAllBytes())).isZero();
        store.completed(id, Instant.now(), mp4, "video/mp4");

        var recordings = graph.users().byUserId(organizerId).onlineMeetings().byOnlineMeetingId(meeting.getId()).recordings();
        List<CallRecording> list = recordings.get().getValue();
        assertThat(list).singleElement().satisfies(r -> {
            assertThat(r.getId()).isEqualTo(id.value());
            assertThat(r.getMeetingId()).isEqualTo(meeting.getId());
            assertThat(r.getMeetingOrganizer().getUser().getId()).isEqualTo(organizerId);
            assertThat(r.getCreatedDateTime()).isBefore(r.getEndDateTime());
        });
        try (InputStream content = recordings.byCallRecordingId(id.value()).content().get()) {
            assertThat(content.readAllBytes()).isEqualTo(Files.readAllBytes(mp4));
        }
        assertThat(recordings.byCallRecordingId(id.value()).get().getRecordingContentUrl()).endsWith("/content");
    }

    @Test
    void withoutTheRecordingPermissionOrOutsideThePolicyTheSdkIsRefused() {
        GraphServiceClient owner = appClient("Meeting writer", EnumSet.of(AppPermission.ONLINE_MEETINGS_READ_WRITE_ALL), true);
        OnlineMeeting meeting = meeting(owner);
        var ofMeeting = meeting.getId();
        ODataError noPermission = refusal(() -> owner.users().byUserId(organizerId).onlineMeetings().byOnlineMeetingId(ofMeeting)
                .recordings().get());
        assertThat(noPermission.getResponseStatusCode()).isEqualTo(403);
        assertThat(noPermission.getMessage()).contains("OnlineMeetingRecording.Read.All");
        GraphServiceClient outsider = appClient("Recordings outside the policy", EnumSet.of(AppPermission.ONLINE_MEETING_RECORDING_READ_ALL), false);
        ODataError noPolicy = refusal(() -> outsider.users().byUserId(organizerId).onlineMeetings().byOnlineMeetingId(ofMeeting)
                .recordings().get());
        assertThat(noPolicy.getMessage()).isEqualTo("No Application Access Policy found for this app");
    }

    private static ODataError refusal(org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
        ODataError e = org.assertj.core.api.Assertions.catchThrowableOfType(ODataError.class, call);
        assertThat(e).as("the SDK call is refused").isNotNull();
        return e;
    }

    private static OnlineMeeting meeting(GraphServiceClient graph) {
        OnlineMeeting m = new OnlineMeeting();
        m.setSubject("Recorded");
        m.setStartDateTime(OffsetDateTime.now().minusMinutes(5));
        m.setEndDateTime(OffsetDateTime.now().plusHours(1));
        return graph.users().byUserId(organizerId).onlineMeetings().post(m);
    }

    private static boolean ffmpeg() {
        try {
            return new ProcessBuilder("ffmpeg", "-version").redirectErrorStream(true).start().waitFor() == 0;
        } catch (Exception e) {
            return false;
        }
    }

    private static GraphServiceClient appClient(String name, Set<AppPermission> permissions, boolean inPolicy) {
        return GraphSdk.appClient(porta, tenant, name, permissions, inPolicy);
    }
}
