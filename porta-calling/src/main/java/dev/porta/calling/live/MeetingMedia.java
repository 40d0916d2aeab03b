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
import dev.porta.media.api.SdpException;
import dev.porta.media.api.TrackSource;
import dev.porta.media.api.TransportState;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Media of a meeting's participants through the {@link MediaHost} port: sessions on entry, mute and
 * publish rights (what the SFU forwards), SDP relay, and the SFU's events. Locks the meeting.
 */
public final class MeetingMedia {
    private final LiveMeeting meeting;
    private final MediaHost host;
    private final Set<String> screenSharers = new HashSet<>();
    /**
     * The SFU's events, in order, waiting to take the meeting lock. They must not take it on the
     * media thread: a join holds the lock while it waits for the media thread to open its session,
     * and the two would wait on each other (the SFU gives up after 5 s and the join fails).
     *
     * <p>Bounded by coalescing: each participant has at most one waiting event of each kind, and a
     * newer one replaces it in its place in line. Only the latest state matters for each kind: the SFU
     * applies an answer to its latest offer, and speaking and active speaker are states, not steps.
     * So a meeting lock held for long (a join storm) costs at most three entries per participant.
     * Guarded by itself, like {@link #draining}.
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
        synchronized (meeting) {
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
        }
    }

    public ServerMessage muteOther(Participant by, String targetId, String requestId) {
        synchronized (meeting) {
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
                target.send(meeting, new MutedByOthers(by.id));
                meeting.rosterDelta("updated", target);
            }
            return new Ack(requestId, null);
        }
    }

    public ServerMessage publish(Participant p, TrackSource source, boolean on, String requestId) {
        synchronized (meeting) {
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
        }
    }

    public ServerMessage publishOffer(Participant p, String sdp, Map<String, TrackSource> sources, String requestId) {
        synchronized (meeting) {
            ServerMessage refusal = meeting.refuseUnless(p, null, requestId);
            if (refusal != null) {
                return refusal;
            }
            try {
                return new PublishAnswer(requestId, p.media.answerPublishOffer(sdp, sources));
            } catch (SdpException e) {
                return LiveMeeting.error(requestId, ActionError.SDP_REJECTED, e.getMessage());
            }
        }
    }

    public ServerMessage subscribeAnswer(Participant p, String sdp, String requestId) {
        synchronized (meeting) {
            ServerMessage refusal = meeting.refuseUnless(p, null, requestId);
            if (refusal != null) {
                return refusal;
            }
            try {
                p.media.acceptSubscribeAnswer(sdp);
                return new Ack(requestId, null);
            } catch (SdpException e) {
                return LiveMeeting.error(requestId, ActionError.SDP_REJECTED, e.getMessage());
            }
        }
    }

    /**
     * The client's network changed (new address, consent lost): the SFU gives its subscribe connection new
     * ICE credentials and sends a fresh offer; media moves only after a valid check with them.
     */
    public ServerMessage restartIce(Participant p, String requestId) {
        synchronized (meeting) {
            ServerMessage refusal = meeting.refuseUnless(p, null, requestId);
            if (refusal != null) {
                return refusal;
            }
            p.media.restartSubscribeIce();
            return new Ack(requestId, null);
        }
    }

    public ServerMessage videoPreference(Participant p, String publisherId, TrackSource source, int maxHeight,
                                         String requestId) {
        synchronized (meeting) {
            ServerMessage refusal = meeting.refuseUnless(p, null, requestId);
            if (refusal != null) {
                return refusal;
            }
            if (meeting.connected(publisherId) == null || source == TrackSource.MICROPHONE) {
                return LiveMeeting.error(requestId, meeting.connected(publisherId) == null
                        ? ActionError.PARTICIPANT_NOT_FOUND : ActionError.INVALID_MESSAGE, "no such video to prefer");
            }
            p.media.setVideoPreference(new MediaParticipantId(publisherId), source, maxHeight);
            return new Ack(requestId, null);
        }
    }

    // ---- called by LiveMeeting / MeetingFeatures with the lock held ----

    void open(Participant p) {
        p.media = host.open(room(p), new MediaParticipantId(p.id), new Listener(p));
        applyGates(p);
    }

    void close(Participant p) {
        screenSharers.remove(p.id);
        if (p.media != null) {
            p.media.close();
            p.media = null;
        }
    }

    /**
     * Sends {@code p} fresh TURN credentials (when a relay is configured) and notes when to renew them: with
     * a quarter of their lifetime left, so a long call never holds expired ones. Only for participants let
     * into the meeting: lobby participants get no relay.
     */
    void sendIceServers(Participant p) {
        dev.porta.media.api.IceServers servers = p.state == Participant.State.CONNECTED
                ? host.iceServers(new MediaParticipantId(p.id)) : null;
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
        if (p.media != null) {
            p.media.close();
        }
        open(p);
    }

    private MediaRoomId room(Participant p) {
        String id = meeting.meetingId();
        return new MediaRoomId(p.breakoutRoomId == null ? id : id + "/breakout/" + p.breakoutRoomId);
    }

    private void applyGates(Participant p) {
        if (p.media == null) {
            return;
        }
        for (TrackSource s : TrackSource.values()) {
            p.media.setSourceEnabled(s, p.published.contains(s) && !(s == TrackSource.MICROPHONE && p.muted));
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
     * Runs {@code event} under the meeting lock on a virtual thread, after the events queued before it;
     * replaces a waiting event of the same kind for the same participant (see {@link #events}).
     */
    private void deliver(Participant p, EventKind kind, Runnable event) {
        boolean start;
        synchronized (events) {
            events.put(new EventKey(p, kind), event);
            start = !draining;
            draining = true;
        }
        if (start) {
            Thread.ofVirtual().name("porta-calling-media-events").start(this::drain);
        }
    }

    private void drain() {
        while (true) {
            Runnable event;
            synchronized (events) {
                Iterator<Runnable> next = events.values().iterator();
                if (!next.hasNext()) {
                    draining = false;
                    return;
                }
                event = next.next();
                next.remove();
            }
            synchronized (meeting) {
                try {
                    event.run();
                } catch (RuntimeException e) {
                    org.slf4j.LoggerFactory.getLogger(MeetingMedia.class).warn("calling: media event failed", e);
                }
            }
        }
    }

    /** The SFU's events for one participant; forwarded to its client under the meeting lock, off the media thread. */
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
