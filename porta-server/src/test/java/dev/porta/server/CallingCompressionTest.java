// SPDX-License-Identifier: Apache-2.0
package dev.porta.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;

/**
 * permessage-deflate on the calling WebSocket (calling.compression), seen from the wire: a client written
 * here from RFC 6455 and RFC 7692 (the JDK's WebSocket client offers no extensions) offers the extension as
 * browsers do, and reads the frames' RSV1 bit and inflates their payload itself.
 */
class CallingCompressionTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final byte[] TAIL = {0, 0, (byte) 0xff, (byte) 0xff};

    @Test
    void aClientThatOffersDeflateGetsCompressedFramesWithoutContextTakeover() throws Exception {
        try (RunningPorta porta = RunningPorta.start();
             WireClient client = new WireClient(porta, "permessage-deflate; client_max_window_bits")) {
            String negotiated = client.header("sec-websocket-extensions");
            assertThat(negotiated).as("the extension, each message compressed on its own (bounded memory)")
                    .contains("permessage-deflate").contains("server_no_context_takeover").contains("client_no_context_takeover");
            String link = CallingChatFloodTest.meetingSharingItsChatHistory(porta);
            client.sendCompressed(join(CallingChatFloodTest.guestToken(porta), link));
            List<Frame> frames = client.readUntil("roster");
            assertThat(frames).as("every frame the server sent was compressed").allMatch(f -> f.compressed);
            Frame roster = frames.getLast();
            assertThat(roster.json.path("participants")).hasSize(1);
            assertThat(frames.getFirst().json.path("state").asText()).isEqualTo("Connected");
            long wire = frames.stream().mapToLong(f -> f.wireBytes).sum();
            long text = frames.stream().mapToLong(f -> f.textBytes).sum();
            assertThat(wire).as("compressed frames are smaller than their text").isLessThan(text);
        }
    }

    @Test
    void aClientThatDoesNotOfferItGetsPlainFrames() throws Exception {
        try (RunningPorta porta = RunningPorta.start(); WireClient client = new WireClient(porta, null)) {
            assertThat(client.header("sec-websocket-extensions")).isNull();
            String link = CallingChatFloodTest.meetingSharingItsChatHistory(porta);
            client.sendPlain(join(CallingChatFloodTest.guestToken(porta), link));
            assertThat(client.readUntil("roster")).noneMatch(f -> f.compressed);
        }
    }

    @Test
    void withCompressionOffTheOfferIsDeclined() throws Exception {
        try (RunningPorta porta = RunningPorta.start(Map.of("calling.compression", "false"), java.time.Clock.systemUTC());
             WireClient client = new WireClient(porta, "permessage-deflate")) {
            assertThat(client.header("sec-websocket-extensions")).isNull();
        }
    }

    private static String join(String token, String link) {
        return "{\"v\":1,\"type\":\"join\",\"token\":\"" + token + "\",\"displayName\":\"Wire\",\"locator\":{\"meetingLink\":\""
                + link + "\"}}";
    }

    record Frame(boolean compressed, long wireBytes, long textBytes, JsonNode json) { }

    /** Just enough of a WebSocket client: the upgrade, masked text frames out, text frames in. */
    static final class WireClient implements AutoCloseable {
        private final SSLSocket socket;
        private final DataInputStream in;
        private final OutputStream out;
        private final Map<String, String> headers = new java.util.HashMap<>();
        private final SecureRandom random = new SecureRandom();

        WireClient(RunningPorta porta, String offer) throws IOException {
            URI base = URI.create(porta.baseUrl());
            socket = (SSLSocket) porta.sslContext().getSocketFactory().createSocket("127.0.0.1", base.getPort());
            socket.setSoTimeout(20_000);
            in = new DataInputStream(socket.getInputStream());
            out = socket.getOutputStream();
            byte[] key = new byte[16];
            random.nextBytes(key);
            String request = "GET /calling/v1 HTTP/1.1\r\nHost: 127.0.0.1:" + base.getPort() + "\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: " + Base64.getEncoder().encodeToString(key)
                    + "\r\n" + (offer == null ? "" : "Sec-WebSocket-Extensions: " + offer + "\r\n") + "\r\n";
            out.write(request.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String status = line(in);
            assertThat(status).as("the upgrade").contains(" 101 ");
            for (String l = line(in); !l.isEmpty(); l = line(in)) {
                int colon = l.indexOf(':');
                headers.put(l.substring(0, colon).trim().toLowerCase(java.util.Locale.ROOT), l.substring(colon + 1).trim());
            }
        }

        String header(String name) {
            return headers.get(name);
        }

        void sendCompressed(String text) throws IOException {
            Deflater d = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
            d.setInput(text.getBytes(StandardCharsets.UTF_8));
            byte[] buf = new byte[text.length() + 64];
            int n = d.deflate(buf, 0, buf.length, Deflater.SYNC_FLUSH);
            d.end();
            byte[] payload = java.util.Arrays.copyOf(buf, n - TAIL.length); // RFC 7692 §7.2.1: drop the empty block's tail
            send(0xC1, payload); // FIN, RSV1, text
        }

        void sendPlain(String text) throws IOException {
            send(0x81, text.getBytes(StandardCharsets.UTF_8));
        }

        private void send(int first, byte[] payload) throws IOException {
            ByteArrayOutputStream f = new ByteArrayOutputStream();
            f.write(first);
            if (payload.length < 126) {
                f.write(0x80 | payload.length);
            } else {
                f.write(0x80 | 126);
                f.write(payload.length >> 8);
                f.write(payload.length & 0xff);
            }
            byte[] mask = new byte[4];
            random.nextBytes(mask);
            f.write(mask);
            for (int i = 0; i < payload.length; i++) {
                f.write(payload[i] ^ mask[i % 4]);
            }
            out.write(f.toByteArray());
            out.flush();
        }

        /** Text frames until one of {@code type} (inclusive). */
        List<Frame> readUntil(String type) throws IOException, DataFormatException {
            List<Frame> frames = new ArrayList<>();
            while (true) {
                int b0 = in.readUnsignedByte();
                int b1 = in.readUnsignedByte();
                long len = b1 & 0x7f;
                if (len == 126) {
                    len = in.readUnsignedShort();
                } else if (len == 127) {
                    len = in.readLong();
                }
                byte[] payload = in.readNBytes((int) len);
                int opcode = b0 & 0x0f;
                assertThat(b0 & 0x80).as("the server sends whole messages").isNotZero();
                if (opcode != 1) {
                    continue;
                }
                boolean compressed = (b0 & 0x40) != 0;
                byte[] text = compressed ? inflate(payload) : payload;
                Frame frame = new Frame(compressed, payload.length, text.length, JSON.readTree(text));
                frames.add(frame);
                if (frame.json.path("type").asText().equals(type)) {
                    return frames;
                }
            }
        }

        private static byte[] inflate(byte[] payload) throws DataFormatException {
            Inflater inflater = new Inflater(true);
            try {
                byte[] withTail = java.util.Arrays.copyOf(payload, payload.length + TAIL.length);
                System.arraycopy(TAIL, 0, withTail, payload.length, TAIL.length);
                inflater.setInput(withTail);
                ByteArrayOutputStream text = new ByteArrayOutputStream();
                byte[] buf = new byte[8192];
                while (true) {
                    int n = inflater.inflate(buf);
                    if (n == 0) {
                        break;
                    }
                    text.write(buf, 0, n);
                }
                return text.toByteArray();
            } finally {
                inflater.end();
            }
        }

        private static String line(InputStream in) throws IOException {
            StringBuilder b = new StringBuilder();
            int c;
            while ((c = in.read()) != '\n') {
                if (c < 0) {
                    throw new IOException("the server closed the connection");
                }
                if (c != '\r') {
                    b.append((char) c);
                }
            }
            return b.toString();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
