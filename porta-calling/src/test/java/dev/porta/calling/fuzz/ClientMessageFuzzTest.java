// SPDX-License-Identifier: Apache-2.0
package dev.porta.calling.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.porta.calling.protocol.ClientMessage;
import dev.porta.calling.protocol.ClientMessageDecoder;
import dev.porta.calling.protocol.ProtocolViolation;
import java.nio.charset.StandardCharsets;

/**
 * Coverage-guided fuzzing of the calling protocol's decoder, which sees every frame an unauthenticated
 * client sends. In a normal test run this replays the corpus in
 * {@code src/test/resources/dev/porta/calling/fuzz/ClientMessageFuzzTestInputs}; with {@code JAZZER_FUZZ=1}
 * it fuzzes. The decoder may only answer with a message or a {@link ProtocolViolation}: any other
 * exception escaping it is a finding, and so is a decoded message that breaks the documented limits.
 */
class ClientMessageFuzzTest {
    private static final int MAX_FRAME_CHARS = 65_536;
    private final ClientMessageDecoder decoder = new ClientMessageDecoder(MAX_FRAME_CHARS);

    @FuzzTest(maxDuration = "30s")
    void decode(byte[] data) {
        String frame = new String(data, StandardCharsets.UTF_8);
        ClientMessage m;
        try {
            m = decoder.decode(frame);
        } catch (ProtocolViolation expected) {
            return;
        }
        if (m == null) {
            throw new IllegalStateException("the decoder returned null for " + frame);
        }
        if (m.id() != null && (m.id().isEmpty() || m.id().length() > 64)) {
            throw new IllegalStateException("a request id outside 1-64 characters was accepted: " + m.id());
        }
        if (m instanceof ClientMessage.Join j && (j.token().isEmpty() || j.token().length() > 8192)) {
            throw new IllegalStateException("a join token outside its limits was accepted");
        }
    }
}
