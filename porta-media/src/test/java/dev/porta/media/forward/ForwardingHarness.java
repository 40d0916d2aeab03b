// SPDX-License-Identifier: Apache-2.0
package dev.porta.media.forward;

import dev.porta.media.MediaConfig;
import dev.porta.media.api.MediaListener;
import dev.porta.media.api.MediaParticipantId;
import dev.porta.media.api.MediaRoomId;
import dev.porta.media.api.TrackSource;
import dev.porta.media.api.TransportState;
import dev.porta.media.dtls.DtlsCertificate;
import dev.porta.media.ice.Link;
import dev.porta.media.rtp.RtpHeaderWriter;
import dev.porta.media.rtp.RtpPacket;
import dev.porta.media.sdp.PublishedMedia;
import dev.porta.media.srtp.SrtpContext;
import dev.porta.media.srtp.SrtpProfile;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A socket-free stage for the forwarding classes: one room on a fake clock ({@link #now}), a publisher
 * whose tracks are built directly (no SDP, no ICE), and a subscriber whose subscribe transport has SRTP
 * keys and a link that records what the SFU sends, decrypted, as {@link Sent} packets. Runs on the test
 * thread, which stands in for the media thread.
 */
final class ForwardingHarness {
    private static final DtlsCertificate CERT = DtlsCertificate.generate(Instant.parse("2026-01-01T00:00:00Z"));
    private static final byte[] KEY = new byte[16];
    private static final byte[] SALT = new byte[14];

    /** One packet the subscriber received, as it would read it after SRTP. */
    record Sent(long ssrc, int seq, long ts, int payloadType, boolean padded, int payloadLength, byte firstPayloadByte) { }

    long now = 1_000_000;
    final MediaContext ctx = new MediaContext(null, MediaConfig.defaults(), CERT, () -> now, 10_000);
    final Room room = new Room(new MediaRoomId("room"));
    final Participant publisher = Participant.open(ctx, room, new MediaParticipantId("alice"), new Quiet());
    final Participant subscriber = Participant.open(ctx, room, new MediaParticipantId("bob"), new Quiet());
    final List<Sent> sent = new ArrayList<>();
    private final SrtpContext receiver = new SrtpContext(SrtpProfile.AES_CM_128_HMAC_SHA1_80, KEY, SALT);
    private final byte[] packet = new byte[1500];
    private final RtpPacket view = new RtpPacket();
    private int nextMid;

    ForwardingHarness() {
        PeerTransport t = subscriber.subscribe;
        t.out = new SrtpContext(SrtpProfile.AES_CM_128_HMAC_SHA1_80, KEY, SALT);
        t.address = new InetSocketAddress("127.0.0.1", 9);
        t.link = new Recorder();
    }

    /** Publishes a track with the given simulcast rids (none for audio or a single stream); ssrcs 1000, 1001, ... */
    UpTrack publish(TrackSource source, String... rids) {
        boolean audio = source == TrackSource.MICROPHONE;
        String mid = Integer.toString(nextMid++);
        PublishedMedia m = new PublishedMedia(mid, audio, source, audio ? 111 : 96, audio ? -1 : 97, List.of(rids),
                List.of(), List.of(), 0, 0, 0, 0, 0, audio ? "opus" : "VP8", null);
        UpTrack track = new UpTrack(publisher, m);
        int layers = Math.max(1, rids.length);
        for (int i = 0; i < layers; i++) {
            track.streams.add(new UpStream(track, 1000L + 10L * nextMid + i, rids.length == 0 ? null : rids[i]));
        }
        publisher.upTracks.put(mid, track);
        publisher.upList.add(track);
        room.trackAdded(track);
        for (DownTrack d : track.downs) {
            d.negotiated = true; // as if the subscriber had answered the offer containing it
        }
        return track;
    }

    /** Makes a layer look live at {@code bitrate} and {@code height}, as measured from its packets. */
    static void measured(UpStream s, long bitrate, int height, long nowMillis) {
        s.packets = Math.max(1, s.packets);
        s.lastPacketMillis = nowMillis;
        s.bitrate = bitrate;
        s.height = height;
    }

    /** The publisher sends one packet on {@code stream}; the SFU forwards it to every subscriber's down-track. */
    void send(UpStream stream, int seq, long ts, byte... payload) {
        int h = RtpHeaderWriter.write(packet, 0, true, stream.track.audio ? 111 : 96, seq, ts, stream.ssrc, 0, 0, 0, -1);
        System.arraycopy(payload, 0, packet, h, payload.length);
        view.wrap(packet, 0, h + payload.length);
        stream.received(view, now);
        for (DownTrack d : stream.track.downs) {
            d.forward(stream, view, now);
        }
    }

    /** A VP8 payload starting a keyframe (descriptor S=1 PID=0, frame header P=0) of 640x360. */
    static byte[] vp8Keyframe() {
        return new byte[] {0x10, 0x00, 0, 0, (byte) 0x9d, 0x01, 0x2a, (byte) 0x80, 0x02, 0x68, 0x01, 7, 7};
    }

    /** A VP8 payload starting an inter frame (frame header P=1). */
    static byte[] vp8Delta() {
        return new byte[] {0x10, 0x01, 0, 0, 5, 5, 5};
    }

    List<Sent> sentOn(long ssrc) {
        return sent.stream().filter(s -> s.ssrc() == ssrc).toList();
    }

    private final class Recorder implements Link {
        @Override
        public void send(byte[] b, int off, int len, InetSocketAddress to) {
            byte[] copy = java.util.Arrays.copyOfRange(b, off, off + len);
            int h = RtpPacket.headerLength(copy, 0, copy.length);
            int n = receiver.unprotectRtp(copy, 0, copy.length, h);
            if (n < 0) {
                throw new AssertionError("the SFU sent a packet its subscriber cannot decrypt: " + n);
            }
            RtpPacket p = new RtpPacket();
            if (!p.wrap(copy, 0, n)) {
                throw new AssertionError("the SFU sent a malformed RTP packet");
            }
            sent.add(new Sent(p.ssrc(), p.sequenceNumber(), p.timestamp(), p.payloadType(), p.paddingLength() > 0,
                    p.payloadLength(), p.payloadLength() > 0 ? copy[p.payloadOffset()] : 0));
        }

        @Override public Route route(InetSocketAddress from) { return null; }
        @Override public void route(InetSocketAddress from, Route owner) { }
        @Override public void unroute(InetSocketAddress from, Route owner) { }
        @Override public String protocol() { return "udp"; }
    }

    /** A listener that ignores everything: these tests look at packets, not signalling. */
    private static final class Quiet implements MediaListener {
        @Override public void subscribeOffer(String sdpOffer) { }
        @Override public void publishedSources(Set<TrackSource> sources) { }
        @Override public void speaking(boolean speaking) { }
        @Override public void activeSpeaker(MediaParticipantId speaker) { }
        @Override public void transportState(TransportState state) { }
    }
}
