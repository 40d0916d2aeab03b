// SPDX-License-Identifier: Apache-2.0
package dev.porta.media.forward;

import dev.porta.media.api.MediaParticipantId;
import dev.porta.media.api.MediaRoomId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** The participants that forward to each other, and the room's speaker detector. Media thread only. */
public final class Room {
    final MediaRoomId id;
    final List<Participant> participants = new ArrayList<>();
    final SpeakerDetector<Participant> speakers;
    private int joins;
    /** Where this room's recorded media goes while it is recorded; null otherwise. Media thread only. */
    RecordingTap recording;

    public Room(MediaRoomId id) {
        this.id = id;
        this.speakers = new SpeakerDetector<>(1500, new SpeakerDetector.Events<>() {
            @Override
            public void speaking(Participant p, boolean speaking) {
                p.notifySpeaking(speaking);
            }

            @Override
            public void dominant(Participant p) {
                for (Participant other : List.copyOf(participants)) {
                    other.notifyActiveSpeaker(p.id);
                }
            }
        });
    }

    public MediaRoomId id() {
        return id;
    }

    /** Starts ({@code tap}) or stops (null) handing this room's recorded media over; media thread only. */
    public void record(RecordingTap tap) {
        this.recording = tap;
    }

    public boolean isEmpty() {
        return participants.isEmpty();
    }

    void join(Participant p) {
        p.joinOrder = joins++;
        // the newcomer receives everyone's current tracks
        for (Participant other : participants) {
            for (UpTrack t : other.upTracks.values()) {
                p.addDownTrack(t);
            }
        }
        participants.add(p);
        p.renegotiate();
        // a newcomer learns who is speaking now, not only who speaks next
        Participant dominant = speakers.dominant();
        if (dominant != null) {
            p.notifyActiveSpeaker(dominant.id);
        }
    }

    void leave(Participant p) {
        participants.remove(p);
        speakers.remove(p);
    }

    /** Adds a down-track for {@code t} to every other participant; call {@link #renegotiateAllBut} after a batch. */
    void trackAdded(UpTrack t) {
        for (Participant p : participants) {
            if (p != t.owner) {
                p.addDownTrack(t);
            }
        }
    }

    void trackRemoved(UpTrack t) {
        for (DownTrack d : List.copyOf(t.downs)) {
            d.subscriber.retireDownTrack(d);
        }
        t.downs.clear();
    }

    /** One subscribe offer per other participant for a whole batch of track changes. */
    void renegotiateAllBut(Participant changed) {
        for (Participant p : participants) {
            if (p != changed) {
                p.renegotiate();
            }
        }
    }

    /** Participants by relevance for last-N: recent speakers first, then by join order. */
    List<Participant> byRelevance() {
        List<Participant> out = new ArrayList<>(participants);
        out.sort(Comparator.<Participant>comparingLong(p -> -speakers.lastSpoke(p)).thenComparingInt(p -> p.joinOrder));
        return out;
    }

    /** Periodic work for the room and its participants; media thread only. */
    public void tickFromLoop(long nowMillis) {
        speakers.tick(nowMillis);
        for (int i = 0; i < participants.size(); i++) {
            participants.get(i).tick(nowMillis);
        }
    }
}
