// SPDX-License-Identifier: Apache-2.0
package dev.porta.media.dtls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.porta.media.srtp.SrtpContext;
import dev.porta.media.srtp.SrtpProfile;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.tls.CipherSuite;
import org.junit.jupiter.api.Test;

class DtlsTransportTest {
    static final DtlsCertificate SERVER_CERT = DtlsCertificate.generate(Instant.now());
    static final DtlsCertificate CLIENT_CERT = DtlsCertificate.generate(Instant.now());

    @Test
    void fingerprintIsSha256HexWithColons() {
        assertThat(SERVER_CERT.fingerprint()).matches("([0-9A-F]{2}:){31}[0-9A-F]{2}");
    }

    @Test
    void handshakeWithMatchingFingerprintExportsKeysBothSidesAgreeOn() throws Exception {
        for (SrtpProfile profile : SrtpProfile.values()) {
            DtlsClient client = new DtlsClient(CLIENT_CERT, new int[] {profile.id()});
            DtlsTransport server = new DtlsTransport(SERVER_CERT, client::receive);
            server.expectFingerprint(CLIENT_CERT.fingerprint());
            CompletableFuture<SrtpKeyMaterial> serverKeys = new CompletableFuture<>();
            server.start(serverKeys::complete, f -> serverKeys.completeExceptionally(new AssertionError(f)), 10_000);

            SrtpKeyMaterial clientKeys = client.handshake(SERVER_CERT.fingerprint(), server::receive);
            SrtpKeyMaterial sk = serverKeys.get(10, TimeUnit.SECONDS);
            server.close();
            assertThat(sk.profile()).isEqualTo(profile);
            assertThat(sk.localKey()).isEqualTo(clientKeys.remoteKey());
            assertThat(sk.remoteSalt()).isEqualTo(clientKeys.localSalt());

            // SRTP from the client decrypts on the server.
            SrtpContext tx = clientKeys.outbound();
            SrtpContext rx = sk.inbound();
            byte[] b = new byte[64];
            b[0] = (byte) 0x80;
            b[11] = 5;
            int n = tx.protectRtp(b, 0, 30, 12);
            assertThat(rx.unprotectRtp(b, 0, n, 12)).isEqualTo(30);
        }
    }

    @Test
    void wrongFingerprintFailsTheHandshake() throws Exception {
        DtlsClient client = new DtlsClient(CLIENT_CERT, new int[] {1});
        DtlsTransport server = new DtlsTransport(SERVER_CERT, client::receive);
        server.expectFingerprint(SERVER_CERT.fingerprint()); // not the client's
        CompletableFuture<String> failure = new CompletableFuture<>();
        server.start(k -> failure.complete("unexpected success"), failure::complete, 10_000);
        Thread.ofVirtual().start(() -> {
            try {
                client.handshake(SERVER_CERT.fingerprint(), server::receive);
            } catch (Exception expected) {
                // the server's alert ends the client's handshake
            }
        });
        assertThat(failure.get(10, TimeUnit.SECONDS)).doesNotContain("unexpected");
        server.close();
    }

    @Test
    void theServerAcceptsNoCbcSuite() {
        assertThat(suiteNames(DtlsTransport.CIPHER_SUITES)).hasSize(3).allMatch(n -> n.contains("_GCM_") || n.contains("_CHACHA20_POLY1305_"))
                .noneMatch(n -> n.contains("_CBC_"));
    }

    @Test
    void aClientOfferingOnlyCbcSuitesIsRefused() throws Exception {
        DtlsClient client = new DtlsClient(CLIENT_CERT, DtlsClient.BROWSER_PROFILES, new int[] {
            CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA, CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256});
        DtlsTransport server = new DtlsTransport(SERVER_CERT, client::receive);
        server.expectFingerprint(CLIENT_CERT.fingerprint());
        CompletableFuture<String> failure = new CompletableFuture<>();
        server.start(k -> failure.complete("unexpected success"), failure::complete, 10_000);
        Thread.ofVirtual().start(() -> {
            try {
                client.handshake(SERVER_CERT.fingerprint(), server::receive);
            } catch (Exception expected) {
                // the server's alert ends the client's handshake
            }
        });
        assertThat(failure.get(10, TimeUnit.SECONDS)).doesNotContain("unexpected");
        assertThat(client.negotiatedCipherSuite).isEqualTo(-1);
        server.close();
    }

    @Test
    void aClientThatPrefersCbcIsAnsweredWithAnAeadSuite() throws Exception {
        DtlsClient client = new DtlsClient(CLIENT_CERT, DtlsClient.BROWSER_PROFILES, new int[] {
            CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA, CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256,
            CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256});
        DtlsTransport server = new DtlsTransport(SERVER_CERT, client::receive);
        server.expectFingerprint(CLIENT_CERT.fingerprint());
        CompletableFuture<SrtpKeyMaterial> serverKeys = new CompletableFuture<>();
        server.start(serverKeys::complete, f -> serverKeys.completeExceptionally(new AssertionError(f)), 10_000);
        client.handshake(SERVER_CERT.fingerprint(), server::receive);
        serverKeys.get(10, TimeUnit.SECONDS);
        server.close();
        assertThat(suiteNames(new int[] {client.negotiatedCipherSuite}))
                .containsExactly("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256");
    }

    /** Bouncy Castle's constant names for suite ids. */
    private static List<String> suiteNames(int[] suites) {
        List<String> names = new ArrayList<>();
        for (int suite : suites) {
            for (Field f : CipherSuite.class.getFields()) {
                try {
                    if (f.getType() == int.class && Modifier.isStatic(f.getModifiers()) && f.getInt(null) == suite
                            && f.getName().startsWith("TLS_")) {
                        names.add(f.getName());
                    }
                } catch (IllegalAccessException e) {
                    throw new AssertionError(e);
                }
            }
        }
        return names;
    }
}
