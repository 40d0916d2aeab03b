// SPDX-License-Identifier: Apache-2.0
package dev.porta.calling.testing;

import dev.porta.calling.CallingService;
import dev.porta.calling.SignalingConnection;
import dev.porta.calling.SignalingSession;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A minimal RFC 6455 server on 127.0.0.1 that adapts sockets to {@link CallingService}, the way the
 * server's WebSocket route will: decode frames, hand text to the session, report the close.
 * Test scope only; frames above 1 MiB close the socket.
 */
public final class LoopbackWebSocketServer implements AutoCloseable {
    private static final int MAX_PAYLOAD = 1 << 20;
    private final ServerSocket server;
    private final CallingService calling;
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();

    public LoopbackWebSocketServer(CallingService calling) throws IOException {
        this.calling = calling;
        this.server = new ServerSocket();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        threads.execute(this::acceptLoop);
    }

    public String url() {
        return "ws://127.0.0.1:" + server.getLocalPort() + "/calling/v1";
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                threads.execute(() -> serve(s));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket socket) {
        SignalingSession[] session = new SignalingSession[1];
        try {
            serveFrames(socket, session);
        } catch (Exception e) {
            // the client went away without a close handshake (a dropped network)
        } finally {
            if (session[0] != null) {
                session[0].onClose();
            }
            try {
                socket.close();
            } catch (IOException ignored) {
                // already closed
            }
        }
    }

    private void serveFrames(Socket socket, SignalingSession[] sessionOut) throws Exception {
        {
            DataInputStream in = new DataInputStream(socket.getInputStream());
            OutputStream out = socket.getOutputStream();
            String key = null;
            String line;
            while (!(line = readLine(in)).isEmpty()) {
                if (line.toLowerCase().startsWith("sec-websocket-key:")) {
                    key = line.substring(line.indexOf(':') + 1).trim();
                }
            }
            String accept = Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-1")
                    .digest((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").getBytes(StandardCharsets.US_ASCII)));
            out.write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Accept: " + accept + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            Connection conn = new Connection(socket, out);
            SignalingSession session = calling.open(conn);
            sessionOut[0] = session;
            ByteArrayOutputStream message = new ByteArrayOutputStream();
            while (true) {
                int b0 = in.readUnsignedByte();
                int b1 = in.readUnsignedByte();
                boolean fin = (b0 & 0x80) != 0;
                int opcode = b0 & 0x0f;
                long len = b1 & 0x7f;
                if (len == 126) {
                    len = in.readUnsignedShort();
                } else if (len == 127) {
                    len = in.readLong();
                }
                if (len > MAX_PAYLOAD || message.size() + len > MAX_PAYLOAD) {
                    break;
                }
                byte[] mask = new byte[4];
                in.readFully(mask);
                byte[] payload = new byte[(int) len];
                in.readFully(payload);
                for (int i = 0; i < payload.length; i++) {
                    payload[i] ^= mask[i % 4];
                }
                switch (opcode) {
                    case 0x1, 0x0, 0x2 -> {
                        message.write(payload);
                        if (fin) {
                            if (opcode == 0x2) {
                                session.onBinary();
                            } else {
                                session.onText(message.toString(StandardCharsets.UTF_8));
                            }
                            message.reset();
                        }
                    }
                    case 0x8 -> {
                        conn.close(1000, "");
                        return;
                    }
                    case 0x9 -> conn.frame(0xA, payload);
                    default -> { }
                }
            }
        }
    }

    private static String readLine(DataInputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        int c;
        while ((c = in.read()) != -1 && c != '\n') {
            if (c != '\r') {
                b.append((char) c);
            }
        }
        return b.toString();
    }

    /** Writes frames in call order; loopback writes are quick enough to do inline in tests. */
    private static final class Connection implements SignalingConnection {
        private final Socket socket;
        private final OutputStream out;
        private boolean closeSent;

        Connection(Socket socket, OutputStream out) {
            this.socket = socket;
            this.out = out;
        }

        @Override
        public void send(String text) {
            frame(0x1, text.getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public synchronized void close(int code, String reason) {
            if (closeSent) {
                return;
            }
            byte[] r = reason.getBytes(StandardCharsets.UTF_8);
            byte[] p = new byte[2 + r.length];
            p[0] = (byte) (code >> 8);
            p[1] = (byte) code;
            System.arraycopy(r, 0, p, 2, r.length);
            frame(0x8, p);
            closeSent = true;
        }

        @Override
        public String remoteAddress() {
            return socket.getInetAddress().getHostAddress();
        }

        synchronized void frame(int opcode, byte[] payload) {
            if (closeSent) {
                return;
            }
            try {
                out.write(0x80 | opcode);
                if (payload.length < 126) {
                    out.write(payload.length);
                } else if (payload.length < 65536) {
                    out.write(126);
                    out.write(payload.length >> 8);
                    out.write(payload.length & 0xff);
                } else {
                    out.write(127);
                    long l = payload.length;
                    for (int i = 7; i >= 0; i--) {
                        out.write((int) (l >> (8 * i)) & 0xff);
                    }
                }
                out.write(payload);
                out.flush();
            } catch (IOException e) {
                closeSent = true;
            }
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        threads.shutdownNow();
    }
}
