// SPDX-License-Identifier: Apache-2.0
package dev.porta.loadtest;

import java.time.Duration;

/**
 * What to load a node with: {@code meetings} meetings of {@code participantsPerMeeting} synthetic
 * participants; in each meeting the first {@code videoPublishers} send camera video (VP8 simulcast) and
 * the first {@code audioPublishers} send microphone audio; everyone receives. Participants join at
 * {@code joinsPerSecond}; once all have joined the load holds for {@code hold}.
 */
public record Scenario(String name, int meetings, int participantsPerMeeting, int videoPublishers, int audioPublishers,
                       double joinsPerSecond, Duration hold) {
    /** Far above what two cores carry; a guard against a typo starting thousands of sockets. */
    public static final int MAX_PARTICIPANTS = 400;

    public Scenario {
        if (meetings < 1 || participantsPerMeeting < 1 || meetings * participantsPerMeeting > MAX_PARTICIPANTS) {
            throw new IllegalArgumentException("between 1 and " + MAX_PARTICIPANTS + " participants in all");
        }
        if (videoPublishers < 0 || videoPublishers > participantsPerMeeting || audioPublishers < 0
                || audioPublishers > participantsPerMeeting) {
            throw new IllegalArgumentException("publishers must be between 0 and the participants per meeting");
        }
        if (joinsPerSecond <= 0 || joinsPerSecond > 50) {
            throw new IllegalArgumentException("join rate must be in (0, 50] per second");
        }
        if (hold.isNegative() || hold.compareTo(Duration.ofHours(1)) > 0) {
            throw new IllegalArgumentException("hold must be between 0 and 1 h");
        }
    }

    /** The named presets; the numbers are defaults that options override. */
    public static Scenario preset(String name) {
        return switch (name) {
            // several small video meetings, everyone on camera and microphone
            case "meetings" -> new Scenario(name, 4, 5, 5, 5, 0.5, Duration.ofMinutes(5));
            // one large meeting without video, a few people talking and everyone listening
            case "audio" -> new Scenario(name, 1, 60, 0, 4, 1, Duration.ofMinutes(5));
            // one presenter on camera and microphone, everyone else watching
            case "presenter" -> new Scenario(name, 1, 40, 1, 1, 1, Duration.ofMinutes(5));
            default -> throw new IllegalArgumentException("unknown scenario '" + name + "' (meetings, audio, presenter)");
        };
    }

    public int participants() {
        return meetings * participantsPerMeeting;
    }

    public Duration ramp() {
        return Duration.ofMillis((long) (1000 * (participants() - 1) / joinsPerSecond));
    }

    public Scenario with(int meetings, int perMeeting, int video, int audio, double rate, Duration hold) {
        return new Scenario(name, meetings, perMeeting, video, audio, rate, hold);
    }
}
