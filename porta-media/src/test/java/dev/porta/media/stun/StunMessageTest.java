// SPDX-License-Identifier: Apache-2.0
package dev.porta.media.stun;

import static org.assertj.core.api.Assertions.assertThat;

import dev.porta.media.util.Bytes;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** RFC 5769 test vectors, plus the ICE attributes the SFU relies on. */
class StunMessageTest {
    static final byte[] PASSWORD = "VOkJxbRl1RmTxUk/WvJxBt".getBytes(StandardCharsets.UTF_8);
    static final byte[] TX = Bytes.hex("b7e7a701 bc34d686 fa87dfae");

    static final String SAMPLE_REQUEST = "0001 0058 2112a442 b7e7a701 bc34d686 fa87dfae"
            + "8022 0010 5354554e 20746573 7420636c 69656e74"
            + "0024 0004 6e0001ff 8029 0008 932ff9b1 51263b36"
            + "0006 0009 6576746a 3a683676 59202020"
            + "0008 0014 9aeaa70c bfd8cb56 781ef2b5 b2d3f249 c1b571a2"
            + "8028 0004 e57a3bcf";

    static final String SAMPLE_IPV4_RESPONSE = "0101 003c 2112a442 b7e7a701 bc34d686 fa87dfae"
            + "8022 000b 74657374 20766563 746f7220"
            + "0020 0008 0001a147 e112a643"
            + "0008 0014 2b91f599 fd9e90c3 8c7489f9 2af9ba53 f06be7d7"
            + "8028 0004 c07d4c96";

    @Test
    void rfc5769SampleRequestVerifiesAndExposesIceAttributes() {
        byte[] b = Bytes.hex(SAMPLE_REQUEST);
        StunMessage m = StunMessage.parse(b, 0, b.length);
        assertThat(m).isNotNull();
        assertThat(m.type()).isEqualTo(StunMessage.BINDING_REQUEST);
        assertThat(m.username()).isEqualTo("evtj:h6vY");
        assertThat(m.software()).isEqualTo("STUN test client");
        assertThat(m.priority()).isEqualTo(0x6e0001ffL);
        assertThat(m.iceControlling()).isFalse();
        assertThat(m.has(StunMessage.ATTR_ICE_CONTROLLED)).isTrue();
        assertThat(m.verifyFingerprint()).isTrue();
        assertThat(m.verifyIntegrity(PASSWORD)).isTrue();
        assertThat(m.verifyIntegrity("wrong".getBytes(StandardCharsets.UTF_8))).isFalse();
    }

    @Test
    void writerReproducesTheRfc5769SampleRequestByteForByte() {
        byte[] out = new byte[200];
        int len = new StunWriter(out, 0, StunMessage.BINDING_REQUEST, TX).padWith((byte) 0x20)
                .text(StunMessage.ATTR_SOFTWARE, "STUN test client")
                .u32(StunMessage.ATTR_PRIORITY, 0x6e0001ffL)
                .attribute(StunMessage.ATTR_ICE_CONTROLLED, Bytes.hex("932ff9b151263b36"))
                .text(StunMessage.ATTR_USERNAME, "evtj:h6vY")
                .messageIntegrity(PASSWORD)
                .fingerprintAndFinish();
        assertThat(Bytes.toHex(out, 0, len)).isEqualTo(Bytes.toHex(Bytes.hex(SAMPLE_REQUEST), 0, 108));
    }

    @Test
    void rfc5769Ipv4ResponseCarriesXorMappedAddress() {
        byte[] b = Bytes.hex(SAMPLE_IPV4_RESPONSE);
        StunMessage m = StunMessage.parse(b, 0, b.length);
        assertThat(m.type()).isEqualTo(StunMessage.BINDING_SUCCESS);
        assertThat(m.xorMappedAddress()).isEqualTo(new InetSocketAddress("192.0.2.1", 32853));
        assertThat(m.verifyIntegrity(PASSWORD)).isTrue();
        assertThat(m.verifyFingerprint()).isTrue();

        byte[] out = new byte[200];
        int len = new StunWriter(out, 0, StunMessage.BINDING_SUCCESS, TX).padWith((byte) 0x20)
                .text(StunMessage.ATTR_SOFTWARE, "test vector")
                .xorMappedAddress(new InetSocketAddress("192.0.2.1", 32853))
                .messageIntegrity(PASSWORD)
                .fingerprintAndFinish();
        assertThat(Bytes.toHex(out, 0, len)).isEqualTo(Bytes.toHex(b, 0, b.length));
    }

    @Test
    void useCandidateAndControllingAreSeen() {
        byte[] out = new byte[200];
        int len = new StunWriter(out, 0, StunMessage.BINDING_REQUEST, TX)
                .text(StunMessage.ATTR_USERNAME, "a:b")
                .attribute(StunMessage.ATTR_ICE_CONTROLLING, new byte[8])
                .attribute(StunMessage.ATTR_USE_CANDIDATE, new byte[0])
                .messageIntegrity(PASSWORD).fingerprintAndFinish();
        StunMessage m = StunMessage.parse(out, 0, len);
        assertThat(m.useCandidate()).isTrue();
        assertThat(m.iceControlling()).isTrue();
        assertThat(m.verifyIntegrity(PASSWORD)).isTrue();
    }

    @Test
    void truncatedOrCorruptedMessagesParseToNullOrFailVerification() {
        byte[] b = Bytes.hex(SAMPLE_REQUEST);
        for (int cut = 0; cut < b.length; cut++) {
            assertThat(StunMessage.parse(b, 0, cut)).isNull();
        }
        byte[] lying = b.clone();
        lying[3] = (byte) 0xF0; // body length larger than the datagram
        assertThat(StunMessage.parse(lying, 0, lying.length)).isNull();
        byte[] flipped = b.clone();
        flipped[30] ^= 1;
        StunMessage m = StunMessage.parse(flipped, 0, flipped.length);
        assertThat(m.verifyFingerprint()).isFalse();
        assertThat(m.verifyIntegrity(PASSWORD)).isFalse();
    }

    @Test
    void aUseCandidateAppendedAfterMessageIntegrityIsNotHonoured() {
        byte[] out = new byte[200];
        int len = new StunWriter(out, 0, StunMessage.BINDING_REQUEST, TX)
                .text(StunMessage.ATTR_USERNAME, "a:b")
                .attribute(StunMessage.ATTR_ICE_CONTROLLING, new byte[8])
                .messageIntegrity(PASSWORD)
                .attribute(StunMessage.ATTR_USE_CANDIDATE, new byte[0]) // what an attacker on the path appends
                .text(StunMessage.ATTR_SOFTWARE, "appended")
                .fingerprintAndFinish();
        StunMessage m = StunMessage.parse(out, 0, len);
        assertThat(m).isNotNull();
        assertThat(m.verifyIntegrity(PASSWORD)).as("the HMAC covers only what precedes it").isTrue();
        assertThat(m.verifyFingerprint()).isTrue();
        assertThat(m.useCandidate()).isFalse();
        assertThat(m.has(StunMessage.ATTR_USE_CANDIDATE)).isFalse();
        assertThat(m.software()).isNull();
        assertThat(m.username()).isEqualTo("a:b");
        assertThat(m.iceControlling()).isTrue();
    }
}
