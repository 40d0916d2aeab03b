// SPDX-License-Identifier: Apache-2.0
package dev.porta.calling.live;

import dev.porta.calling.protocol.ServerMessage;
import dev.porta.calling.protocol.ServerMessage.Ack;
import dev.porta.calling.protocol.ServerMessage.RecordingFailed;
import dev.porta.calling.protocol.ServerMessage.RecordingState;
import dev.porta.media.api.MediaRecording;
import dev.porta.media.api.MediaRoomId;
import dev.porta.media.api.RecordingListener;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Who may be recorded. With the meeting's {@code explicitRecordingConsent} on, a participant's audio and
 * video stay out of the recording (the SFU's per-session switch, {@code MediaSession.setRecorded}) until
 * they consent ({@code recordingConsent}, ACS's {@code grantTeamsConsent}); without it everyone connected
 * is recorded. Consent lasts for the participation: someone who leaves and joins again is asked again.
 *
 * <p>It also starts and stops the SFU's recording of the meeting's main room ({@code MediaHost.record}) on
 * the media lane of whoever turned recording on or off, never on the actor. What the recorder reports back
 * (a failure: disk, composer, nothing recorded) reaches the organizers as {@code recordingFailed}; the
 * meeting itself goes on untouched. Every method runs on the meeting's actor.
 */
final class MeetingRecording {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(MeetingRecording.class);
    private final LiveMeeting meeting;
    /** Participants connected now who consented; bounded by the roster (removed when they leave). */
    private final Set<ParticipantId> consented = new HashSet<>();
    /** The SFU's recording while recording is on; null otherwise. */
    private CompletableFuture<MediaRecording> media;

    MeetingRecording(LiveMeeting meeting) {
        this.meeting = meeting;
    }

    /** Whether {@code p}'s media may go into the recording. */
    boolean mayRecord(Participant p) {
        return !meeting.details.explicitRecordingConsent() || consented.contains(p.id);
    }

    /** {@code p} consents to being recorded; answers once the SFU was told (on p's media lane). */
    ServerMessage consent(Participant p, boolean recording, boolean transcription, String requestId) {
        if (meeting.details.explicitRecordingConsent() && consented.add(p.id)) {
            meeting.media().applyRecorded(p);
            p.send(meeting, stateFor(p, recording, transcription));
        }
        return new Ack(requestId, null);
    }

    /** The notice as {@code p} sees it: whether recording or transcription runs, and whether p's consent is missing. */
    RecordingState stateFor(Participant p, boolean recording, boolean transcription) {
        return new RecordingState(recording, transcription, (recording || transcription) && !mayRecord(p));
    }

    /** Sends everyone connected the notice (guests included), each with their own consent state. */
    void notice(boolean recording, boolean transcription) {
        for (Participant q : meeting.connectedInJoinOrder()) {
            q.send(meeting, stateFor(q, recording, transcription));
        }
    }

    void participantLeft(Participant p) {
        consented.remove(p.id);
    }

    /** Recording was turned on by {@code by}: the SFU starts handing the main room's media to the recorder. */
    void startMedia(Participant by) {
        if (media != null) {
            return;
        }
        MediaRoomId room = new MediaRoomId(meeting.meetingId());
        RecordingListener listener = new RecordingListener() {
            @Override
            public void completed(String recordingId) {
                LOG.info("calling: recording {} of meeting {} stored", recordingId, room.value());
            }

            @Override
            public void failed(String reason) {
                meeting.actor.post(() -> reportFailure(reason));
            }
        };
        var host = meeting.media().host();
        CompletableFuture<MediaRecording> started = by.mediaLane.submit(() -> host.record(room, listener));
        started.whenComplete((r, failure) -> {
            if (failure != null) {
                Throwable cause = failure instanceof java.util.concurrent.CompletionException c && c.getCause() != null
                        ? c.getCause() : failure;
                LOG.warn("calling: the SFU did not start recording meeting {}", room.value(), cause);
                meeting.actor.post(() -> reportFailure("the recording could not start: " + cause.getMessage()));
            }
        });
        media = started;
    }

    /** Recording was turned off, or the meeting closed: the SFU stops, the recorder writes out and composes. */
    void stopMedia() {
        CompletableFuture<MediaRecording> m = media;
        media = null;
        if (m != null) {
            m.thenAccept(MediaRecording::stop); // stop() only queues work for the media thread
        }
    }

    /** Tells the organizers connected now; nobody else, and nothing else changes. */
    private void reportFailure(String reason) {
        for (Participant q : meeting.connectedInJoinOrder()) {
            if (q.role == Role.ORGANIZER) {
                q.send(meeting, new RecordingFailed(reason));
            }
        }
    }
}
