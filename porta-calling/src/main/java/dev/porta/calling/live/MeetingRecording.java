// SPDX-License-Identifier: Apache-2.0
package dev.porta.calling.live;

import dev.porta.calling.protocol.ServerMessage;
import dev.porta.calling.protocol.ServerMessage.Ack;
import dev.porta.calling.protocol.ServerMessage.RecordingState;
import java.util.HashSet;
import java.util.Set;

/**
 * Who may be recorded. With the meeting's {@code explicitRecordingConsent} on, a participant's audio and
 * video stay out of the recording (the SFU's per-session switch, {@code MediaSession.setRecorded}) until
 * they consent ({@code recordingConsent}, ACS's {@code grantTeamsConsent}); without it everyone connected
 * is recorded. Consent lasts for the participation: someone who leaves and joins again is asked again.
 * Every method runs on the meeting's actor.
 */
final class MeetingRecording {
    private final LiveMeeting meeting;
    /** Participants connected now who consented; bounded by the roster (removed when they leave). */
    private final Set<ParticipantId> consented = new HashSet<>();

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
}
