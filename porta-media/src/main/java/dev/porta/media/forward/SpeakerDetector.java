// SPDX-License-Identifier: Apache-2.0
package dev.porta.media.forward;

import java.util.HashMap;
import java.util.Map;

/**
 * Turns RFC 6464 audio levels into "speaking" flags and one dominant speaker per room. Levels are
 * smoothed per participant; speaking uses hysteresis and a hold time so a pause between words does
 * not flap; the dominant speaker changes at most once per {@code minSwitchMillis}.
 */
public final class SpeakerDetector<P> {
    /** Receives changes; called on the media thread. */
    public interface Events<P> {
        void speaking(P participant, boolean speaking);

        void dominant(P participant);
    }

    private static final double START = 50;   // smoothed loudness (127 - dBov) to start speaking
    private static final double STOP = 35;
    private static final long HOLD_MILLIS = 600;

    private final long minSwitchMillis;
    private final Events<P> events;
    private final Map<P, State> states = new HashMap<>();
    private P dominant;
    private long dominantSince;

    private static final class State {
        double loudness;
        boolean speaking;
        long lastLoudMillis;
        long lastSpokeMillis;
    }

    public SpeakerDetector(long minSwitchMillis, Events<P> events) {
        this.minSwitchMillis = minSwitchMillis;
        this.events = events;
    }

    /** One audio packet's level: {@code level} is -dBov (0 loudest, 127 silent). */
    public void level(P participant, int level, long nowMillis) {
        State s = states.computeIfAbsent(participant, k -> new State());
        double loud = 127 - Math.min(127, Math.max(0, level));
        s.loudness = s.loudness * 0.9 + loud * 0.1;
        if (s.loudness >= STOP) {
            s.lastLoudMillis = nowMillis;
        }
        if (!s.speaking && s.loudness >= START) {
            s.speaking = true;
            s.lastSpokeMillis = nowMillis;
            events.speaking(participant, true);
        } else if (s.speaking && s.loudness < STOP && nowMillis - s.lastLoudMillis > HOLD_MILLIS) {
            s.speaking = false;
            events.speaking(participant, false);
        }
        if (s.speaking) {
            s.lastSpokeMillis = nowMillis;
        }
    }

    /** The participant stopped sending audio (muted, left the source): no longer speaking. */
    public void silence(P participant) {
        State s = states.get(participant);
        if (s != null) {
            s.loudness = 0;
            if (s.speaking) {
                s.speaking = false;
                events.speaking(participant, false);
            }
        }
    }

    /** Re-evaluates the dominant speaker; call periodically (the media loop's tick). */
    public void tick(long nowMillis) {
        for (Map.Entry<P, State> e : states.entrySet()) {
            State s = e.getValue();
            // no audio packets at all for a while (DTX or a stalled sender) also ends speech
            if (s.speaking && nowMillis - s.lastLoudMillis > 2 * HOLD_MILLIS) {
                s.speaking = false;
                s.loudness = 0;
                events.speaking(e.getKey(), false);
            }
        }
        P best = null;
        double bestLoud = -1;
        for (Map.Entry<P, State> e : states.entrySet()) {
            State s = e.getValue();
            if (s.speaking && s.loudness > bestLoud) {
                best = e.getKey();
                bestLoud = s.loudness;
            }
        }
        if (best == null || best.equals(dominant)) {
            return;
        }
        State cur = dominant == null ? null : states.get(dominant);
        boolean currentQuiet = cur == null || !cur.speaking;
        if (currentQuiet || nowMillis - dominantSince >= minSwitchMillis && bestLoud > cur.loudness + 5) {
            dominant = best;
            dominantSince = nowMillis;
            events.dominant(best);
        }
    }

    /** When did this participant last speak (0 if never); drives last-N ordering. */
    public long lastSpoke(P participant) {
        State s = states.get(participant);
        return s == null ? 0 : s.lastSpokeMillis;
    }

    public P dominant() {
        return dominant;
    }

    public void remove(P participant) {
        states.remove(participant);
        if (participant.equals(dominant)) {
            dominant = null;
        }
    }
}
