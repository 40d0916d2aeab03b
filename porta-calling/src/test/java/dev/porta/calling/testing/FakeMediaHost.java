// SPDX-License-Identifier: Apache-2.0
package dev.porta.calling.testing;

import dev.porta.media.api.MediaHost;
import dev.porta.media.api.MediaListener;
import dev.porta.media.api.MediaParticipantId;
import dev.porta.media.api.MediaRoomId;
import dev.porta.media.api.MediaSession;
import dev.porta.media.api.SdpException;
import dev.porta.media.api.TrackSource;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** A media plane that only remembers what calling asked of it. */
public final class FakeMediaHost implements MediaHost {
    public final Map<String, FakeSession> open = new ConcurrentHashMap<>();
    /**
     * When set, behaves like the SFU: sessions open on this single media thread (the caller waits up
     * to 5 s), and opening one first sends everyone already in the room a new subscribe offer from
     * that thread, as the SFU does when someone new starts publishing.
     */
    public volatile java.util.concurrent.ExecutorService mediaThread;
    /** A permit each time a join starts opening a session on {@link #mediaThread} (it holds the meeting lock). */
    public final java.util.concurrent.Semaphore opening = new java.util.concurrent.Semaphore(0);

    @Override
    public MediaSession open(MediaRoomId room, MediaParticipantId participant, MediaListener listener) {
        var thread = mediaThread;
        if (thread == null) {
            return create(room, participant, listener);
        }
        opening.release();
        for (FakeSession other : open.values()) {
            if (other.room.equals(room.value())) {
                thread.execute(() -> other.listener.subscribeOffer("v=0 offer for " + other.participant));
            }
        }
        try {
            return thread.submit(() -> create(room, participant, listener)).get(5, java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("media thread did not answer in 5 s", e);
        }
    }

    /**
     * The room {@code participant}'s session is in once it satisfies {@code wanted}, waiting up to 5 s:
     * calling moves a session on the participant's media lane, after it has told the client.
     */
    public String awaitRoom(String participant, java.util.function.Predicate<String> wanted) {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(5);
        while (true) {
            FakeSession s = open.get(participant);
            String room = s == null ? null : s.room;
            if (room != null && wanted.test(room)) {
                return room;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(participant + " is still in " + room + " after 5 s");
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }
    }

    private FakeSession create(MediaRoomId room, MediaParticipantId participant, MediaListener listener) {
        FakeSession s = new FakeSession(room.value(), participant.value(), listener);
        open.put(participant.value(), s);
        return s;
    }

    /** Publish answers for these participant ids wait until their latch counts down: a slow SFU call. */
    public final Map<String, java.util.concurrent.CountDownLatch> holdAnswers = new ConcurrentHashMap<>();
    /** A permit each time a publish answer started waiting on {@link #holdAnswers}. */
    public final java.util.concurrent.Semaphore answersHeld = new java.util.concurrent.Semaphore(0);

    /** What {@link #iceServers} answers per participant id; no TURN relay by default. */
    public volatile java.util.function.Function<String, dev.porta.media.api.IceServers> turn = id -> null;

    @Override
    public dev.porta.media.api.IceServers iceServers(MediaParticipantId participant) {
        return turn.apply(participant.value());
    }

    /** Rooms being recorded now, with the listener their recorder reports to. */
    public final Map<String, dev.porta.media.api.RecordingListener> recording = new ConcurrentHashMap<>();
    /** Rooms whose recording was stopped, in order. */
    public final java.util.List<String> recordingsStopped = new java.util.concurrent.CopyOnWriteArrayList<>();

    @Override
    public dev.porta.media.api.MediaRecording record(MediaRoomId room, dev.porta.media.api.RecordingListener listener) {
        if (recording.putIfAbsent(room.value(), listener) != null) {
            throw new IllegalStateException("room " + room.value() + " is already being recorded");
        }
        return new dev.porta.media.api.MediaRecording() {
            @Override
            public void stop() {
                if (recording.remove(room.value(), listener)) {
                    recordingsStopped.add(room.value());
                }
            }

            @Override
            public long packets() {
                return 0;
            }

            @Override
            public long dropped() {
                return 0;
            }
        };
    }

    @Override
    public int sessionCount() {
        return open.size();
    }

    /** One participant's fake session. */
    public final class FakeSession implements MediaSession {
        public final String room;
        public final String participant;
        public final MediaListener listener;
        public final Set<TrackSource> enabled = EnumSet.noneOf(TrackSource.class);
        /** Whether calling lets this participant's media into the room's recording (starts left out, like the SFU). */
        public volatile boolean recorded;

        FakeSession(String room, String participant, MediaListener listener) {
            this.room = room;
            this.participant = participant;
            this.listener = listener;
        }

        @Override
        public String answerPublishOffer(String sdpOffer, Map<String, TrackSource> sourcesByMid) throws SdpException {
            var hold = holdAnswers.get(participant);
            if (hold != null) {
                answersHeld.release();
                try {
                    hold.await(10, java.util.concurrent.TimeUnit.SECONDS); // like the SFU's media thread stuck for seconds
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            if (!sdpOffer.startsWith("v=0")) {
                throw new SdpException("not an SDP offer");
            }
            return "v=0 answer";
        }

        @Override
        public void acceptSubscribeAnswer(String sdpAnswer) {
        }

        /** ICE restarts of the subscribe connection asked for; the fake answers with a new offer, as the SFU does. */
        public final java.util.concurrent.atomic.AtomicInteger iceRestarts = new java.util.concurrent.atomic.AtomicInteger();

        @Override
        public void restartSubscribeIce() {
            listener.subscribeOffer("v=0 restarted offer " + iceRestarts.incrementAndGet() + " for " + participant);
        }

        @Override
        public synchronized void setSourceEnabled(TrackSource source, boolean on) {
            if (on) {
                enabled.add(source);
            } else {
                enabled.remove(source);
            }
        }

        @Override
        public void setRecorded(boolean recorded) {
            this.recorded = recorded;
        }

        @Override
        public void setVideoPreference(MediaParticipantId publisher, TrackSource source, int maxHeight) {
        }

        @Override
        public void setLastN(int n) {
        }

        @Override
        public void setPinned(Set<MediaParticipantId> pinned) {
        }

        @Override
        public void close() {
            open.remove(participant, this);
        }
    }
}
