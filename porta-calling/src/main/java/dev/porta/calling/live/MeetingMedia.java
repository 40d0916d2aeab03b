// SPDX-License-Identifier: Apache-2.0
package dev.porta.calling.live;

import dev.porta.calling.meeting.Capability;
import dev.porta.calling.protocol.ActionError;
import dev.porta.calling.protocol.ServerMessage;
import dev.porta.calling.protocol.ServerMessage.*;
import dev.porta.media.api.MediaHost;
import dev.porta.media.api.MediaListener;
import dev.porta.media.api.MediaParticipantId;
import dev.porta.media.api.MediaRoomId;
import dev.porta.media.api.MediaSession;
import dev.porta.media.api.SdpException;
import dev.porta.media.api.TrackSource;
import dev.porta.media.api.TransportState;
import java.util.HashSet;
import java.util.concurrent.CompletableFuture;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Media of a meeting's participants through the {@link MediaHost} port: sessions on entry, mute and
 * publish rights (what the SFU forwards), SDP relay, and the SFU's events. Decisions are taken on the
 * meeting's actor; every call into the SFU (which may wait up to 5 s for the media thread) runs on the
 * participant's media lane, never on the actor, so a slow SFU holds up only that participant's media.
 */
public final class MeetingMedia {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(MeetingMedia.class);
    private final LiveMeeting meeting;
    private final MediaHost host;
    private final Set<ParticipantId> screenSharers = new HashSet<>();
    /**
     * The SFU's events, in order, waiting for the meeting's actor (they arrive on the media thread, which
     * must never wait for a meeting).
     *
     * <p>Bounded by coalescing: each participant has at most one waiting event of each kind, and a
     * newer one replaces it in its place in line. Only the latest state matters for each kind: the SFU
     * applies an answer to its latest offer, and speaking and active speaker are states, not steps.
     * So a busy meeting costs at most three entries per participant. Events for a participant whose
     * entry package has not gone out yet stay here until it has. Guarded by itself, like {@link #draining}.
     */
    private final Map<EventKey, Runnable> events = new LinkedHashMap<>();
    private boolean draining;

    private enum EventKind { SUBSCRIBE_OFFER, SPEAKING, ACTIVE_SPEAKER }

    private record EventKey(Participant participant, EventKind kind) { }

    MeetingMedia(LiveMeeting meeting, MediaHost host) {
        this.meeting = meeting;
        this.host = host;
    }

    public ServerMessage mute(Participant p, boolean muted, String requestId) {
        return meeting.ask(() -> {
            ServerMessage refusal = meeting.refuseUnless(p, muted ? null : Capability.AUDIO, requestId);
            if (refusal != null) {
                return refusal;
            }
            if (p.muted != muted) {
                p.muted = muted;
                applyGates(p);
                meeting.rosterDelta("updated", p);
            }
            return new Ack(requestId, null);
        });
    }

    public ServerMessage muteOther(Participant by, ParticipantId targetId, String requestId) {
        return meeting.ask(() -> {
            ServerMessage refusal = meeting.refuseUnless(by, Capability.MANAGE_PARTICIPANTS, requestId);
            if (refusal != null) {
                return refusal;
            }
            Participant target = meeting.connected(targetId);
            if (target == null) {
                return LiveMeeting.error(requestId, ActionError.PARTICIPANT_NOT_FOUND, "no participant " + targetId);
            }
            if (target.role == Role.ORGANIZER && by != target) {
                return LiveMeeting.error(requestId, ActionError.CANNOT_TARGET_ORGANIZER, "the organizer cannot be muted by others");
            }
            if (!target.muted) {
                target.muted = true;
                applyGates(target);
                target.send(meeting, new MutedByOthers(by.id.value()));
                meeting.rosterDelta("updated", target);
            }
            return new Ack(requestId, null);
        });
    }

    public ServerMessage publish(Participant p, TrackSource source, boolean on, String requestId) {
        return meeting.ask(() -> {
            ServerMessage refusal = meeting.refuseUnless(p, on ? capabilityOf(source) : null, requestId);
            if (refusal != null) {
                return refusal;
            }
            if (on && source == TrackSource.SCREEN && meeting.details.policy().exclusiveScreenShare()
                    && !screenSharers.isEmpty() && !screenSharers.contains(p.id)) {
                return LiveMeeting.error(requestId, ActionError.SCREEN_SHARE_BUSY, "someone else is sharing a screen");
            }
            boolean changed = on ? p.published.add(source) : p.published.remove(source);
            if (source == TrackSource.SCREEN) {
                if (on) {
                    screenSharers.add(p.id);
                } else {
                    screenSharers.remove(p.id);
                }
            }
            if (changed) {
                applyGates(p);
                meeting.rosterDelta("updated", p);
            }
            return new Ack(requestId, null);
        });
    }

    public ServerMessage publishOffer(Participant p, String sdp, Map<String, TrackSource> sources, String requestId) {
        return meeting.askLater(() -> {
            ServerMessage refusal = meeting.refuseUnless(p, null, requestId);
            if (refusal != null) {
                return CompletableFuture.completedFuture(refusal);
            }
            return onSession(p, requestId, session -> {
                try {
                    return new PublishAnswer(requestId, session.answerPublishOffer(sdp, sources));
                } catch (SdpException e) {
                    return LiveMeeting.error(requestId, ActionError.SDP_REJECTED, e.getMessage());
                }
            });
        });
    }

    public ServerMessage subscribeAnswer(Participant p, String sdp, String requestId) {
        return meeting.askLater(() -> {
            ServerMessage refusal = meeting.refuseUnless(p, null, requestId);
            if (refusal != null) {
                return CompletableFuture.completedFuture(refusal);
            }
            return onSession(p, requestId, session -> {
                try {
                    session.acceptSubscribeAnswer(sdp);
                    return new Ack(requestId, null);
                } catch (SdpException e) {
                    return LiveMeeting.error(requestId, ActionError.SDP_REJECTED, e.getMessage());
                }
            });
        });
    }

    /**
     * The client's network changed (new address, consent lost): the SFU gives its subscribe connection new
     * ICE credentials and sends a fresh offer; media moves only after a valid check with them.
     */
    public ServerMessage restartIce(Participant p, String requestId) {
        return meeting.askLater(() -> {
            ServerMessage refusal = meeting.refuseUnless(p, null, requestId);
            if (refusal != null) {
                return CompletableFuture.completedFuture(refusal);
            }
            return onSession(p, requestId, session -> {
                session.restartSubscribeIce();
                return new Ack(requestId, null);
            });
        });
    }

    public ServerMessage videoPreference(Participant p, ParticipantId publisherId, TrackSource source, int maxHeight,
                                         String requestId) {
        return meeting.askLater(() -> {
            ServerMessage refusal = meeting.refuseUnless(p, null, requestId);
            if (refusal != null) {
                return CompletableFuture.completedFuture(refusal);
            }
            if (meeting.connected(publisherId) == null || source == TrackSource.MICROPHONE) {
                return CompletableFuture.completedFuture(LiveMeeting.error(requestId, meeting.connected(publisherId) == null
                        ? ActionError.PARTICIPANT_NOT_FOUND : ActionError.INVALID_MESSAGE, "no such video to prefer"));
            }
            return onSession(p, requestId, session -> {
                session.setVideoPreference(new MediaParticipantId(publisherId.value()), source, maxHeight);
                return new Ack(requestId, null);
            });
        });
    }

    /** Runs {@code call} with {@code p}'s SFU session on its media lane; answers notConnected when it has none (any more). */
    private static CompletableFuture<ServerMessage> onSession(Participant p, String requestId,
                                                             java.util.function.Function<MediaSession, ServerMessage> call) {
        return p.mediaLane.submit(() -> {
            MediaSession session = p.media;
            return session == null
                    ? LiveMeeting.error(requestId, ActionError.NOT_CONNECTED, "this needs the Connected state")
                    : call.apply(session);
        });
    }

    // ---- called on the actor by LiveMeeting / MeetingFeatures ----

    /** Opens {@code p}'s session on its media lane; the future completes there (exceptionally when the SFU failed). */
    CompletableFuture<Void> open(Participant p) {
        MediaRoomId room = room(p);
        Set<TrackSource> gates = gates(p);
        boolean recorded = meeting.features().mayRecord(p);
        Listener listener = new Listener(p);
        return p.mediaLane.submit(() -> {
            p.media = host.open(room, new MediaParticipantId(p.id.value()), listener);
            applyOnLane(p, gates);
            p.media.setRecorded(recorded);
            return null;
        });
    }

    /** Closes {@code p}'s session on its media lane; the future completes there, also when the SFU failed. */
    CompletableFuture<Void> close(Participant p) {
        screenSharers.remove(p.id);
        synchronized (events) {
            events.keySet().removeIf(k -> k.participant() == p);
        }
        return p.mediaLane.submit(() -> {
            closeOnLane(p);
            return null;
        });
    }

    private static void closeOnLane(Participant p) {
        if (p.media != null) {
            try {
                p.media.close();
            } catch (RuntimeException e) {
                LOG.warn("calling: the SFU failed to close the media of {}", p.id, e);
            }
            p.media = null;
        }
    }

    /**
     * Sends {@code p} fresh TURN credentials (when a relay is configured) and notes when to renew them: with
     * a quarter of their lifetime left, so a long call never holds expired ones. Only for participants let
     * into the meeting: lobby participants get no relay. {@link MediaHost#iceServers} mints credentials in
     * this process (no media thread, no network), so it runs on the actor.
     */
    void sendIceServers(Participant p) {
        dev.porta.media.api.IceServers servers = p.state == Participant.State.CONNECTED
                ? host.iceServers(new MediaParticipantId(p.id.value())) : null;
        if (servers == null) {
            p.iceServersRenewAt = null;
            return;
        }
        java.time.Instant now = meeting.clock.instant();
        java.time.Duration left = java.time.Duration.between(now, servers.expiresAt());
        p.iceServersRenewAt = now.plus(left.minus(left.dividedBy(4)));
        java.util.List<ServerMessage.IceServer> list = new java.util.ArrayList<>();
        for (dev.porta.media.api.IceServers.Server s : servers.servers()) {
            list.add(new ServerMessage.IceServer(s.urls(), s.username(), s.credential()));
        }
        p.send(meeting, new ServerMessage.IceServers(list, servers.expiresAt().toString()));
    }

    /** Re-opens the participant's session in the room it now belongs to (breakout or main). */
    void moveTo(Participant p) {
        MediaRoomId room = room(p);
        Set<TrackSource> gates = gates(p);
        boolean recorded = meeting.features().mayRecord(p);
        Listener listener = new Listener(p);
        meeting.effect(p.mediaLane.submit(() -> {
            closeOnLane(p);
            try {
                p.media = host.open(room, new MediaParticipantId(p.id.value()), listener);
                applyOnLane(p, gates);
                p.media.setRecorded(recorded);
            } catch (RuntimeException e) {
                LOG.warn("calling: the SFU did not open {} in {}", p.id, room.value(), e);
            }
            return null;
        }));
    }

    private MediaRoomId room(Participant p) {
        String id = meeting.meetingId();
        return new MediaRoomId(p.breakoutRoomId == null ? id : id + "/breakout/" + p.breakoutRoomId.value());
    }

    MediaHost host() {
        return host;
    }

    /** Tells the SFU, on {@code p}'s media lane, whether {@code p}'s media may go into the recording now. */
    void applyRecorded(Participant p) {
        boolean recorded = meeting.features().mayRecord(p);
        meeting.effect(p.mediaLane.submit(() -> {
            if (p.media != null) {
                p.media.setRecorded(recorded);
            }
            return null;
        }));
    }

    /** Tells the SFU, on {@code p}'s media lane, which of its sources to forward now. */
    private void applyGates(Participant p) {
        Set<TrackSource> gates = gates(p);
        meeting.effect(p.mediaLane.submit(() -> {
            applyOnLane(p, gates);
            return null;
        }));
    }

    private static Set<TrackSource> gates(Participant p) {
        Set<TrackSource> on = java.util.EnumSet.noneOf(TrackSource.class);
        for (TrackSource s : TrackSource.values()) {
            if (p.published.contains(s) && !(s == TrackSource.MICROPHONE && p.muted)) {
                on.add(s);
            }
        }
        return on;
    }

    private static void applyOnLane(Participant p, Set<TrackSource> on) {
        if (p.media == null) {
            return;
        }
        for (TrackSource s : TrackSource.values()) {
            p.media.setSourceEnabled(s, on.contains(s));
        }
    }

    private static Capability capabilityOf(TrackSource s) {
        return switch (s) {
            case MICROPHONE -> Capability.AUDIO;
            case CAMERA -> Capability.VIDEO;
            case SCREEN -> Capability.SCREEN_SHARE;
        };
    }

    /**
     * Queues {@code event} for the meeting's actor, after the events queued before it; replaces a waiting
     * event of the same kind for the same participant (see {@link #events}).
     */
    private void deliver(Participant p, EventKind kind, Runnable event) {
        boolean start;
        synchronized (events) {
            events.put(new EventKey(p, kind), event);
            start = !draining;
            draining = true;
        }
        if (start) {
            meeting.actor.post(this::drain);
        }
    }

    /** A participant's entry package went out: the events held for it may follow. On the actor. */
    void releaseEvents() {
        drain();
    }

    /** On the actor: runs every waiting event except those of participants whose entry has not gone out yet. */
    private void drain() {
        java.util.List<Runnable> ready = new java.util.ArrayList<>();
        synchronized (events) {
            Iterator<Map.Entry<EventKey, Runnable>> it = events.entrySet().iterator();
            while (it.hasNext()) {
                Map.Entry<EventKey, Runnable> e = it.next();
                if (!e.getKey().participant().awaitingEntry) {
                    ready.add(e.getValue());
                    it.remove();
                }
            }
            draining = false;
        }
        for (Runnable event : ready) {
            try {
                event.run();
            } catch (RuntimeException e) {
                LOG.warn("calling: media event failed", e);
            }
        }
    }

    /** The SFU's events for one participant; forwarded to its client by the meeting's actor. */
    private final class Listener implements MediaListener {
        private final Participant p;

        Listener(Participant p) {
            this.p = p;
        }

        @Override
        public void subscribeOffer(String sdpOffer) {
            deliver(p, EventKind.SUBSCRIBE_OFFER, () -> p.send(meeting, new SubscribeOffer(sdpOffer)));
        }

        @Override
        public void publishedSources(Set<TrackSource> sources) {
            // The roster shows what the participant published through calling; the SFU's view is informational.
        }

        @Override
        public void speaking(boolean speaking) {
            deliver(p, EventKind.SPEAKING, () -> {
                if (p.speaking != speaking && meeting.connected(p.id) == p) {
                    p.speaking = speaking;
                    meeting.rosterDelta("updated", p);
                }
            });
        }

        @Override
        public void activeSpeaker(MediaParticipantId speaker) {
            deliver(p, EventKind.ACTIVE_SPEAKER, () -> p.send(meeting, new ActiveSpeaker(speaker.value())));
        }

        @Override
        public void transportState(TransportState state) {
            // Media transport state is the client's to show; signaling does not end participants for it.
        }
    }
}
