// SPDX-License-Identifier: Apache-2.0
package dev.porta.media.dtls;

import dev.porta.media.srtp.SrtpProfile;
import java.io.IOException;
import java.util.Hashtable;
import java.util.Vector;
import java.util.function.Consumer;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.CertificateRequest;
import org.bouncycastle.tls.CipherSuite;
import org.bouncycastle.tls.ClientCertificateType;
import org.bouncycastle.tls.DTLSServerProtocol;
import org.bouncycastle.tls.DatagramTransport;
import org.bouncycastle.tls.DefaultTlsServer;
import org.bouncycastle.tls.ExporterLabel;
import org.bouncycastle.tls.HashAlgorithm;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.SignatureAlgorithm;
import org.bouncycastle.tls.SignatureAndHashAlgorithm;
import org.bouncycastle.tls.TlsCredentialedSigner;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsSRTPUtils;
import org.bouncycastle.tls.UseSRTPData;
import org.bouncycastle.tls.crypto.TlsCertificate;
import org.bouncycastle.tls.crypto.TlsCryptoParameters;
import org.bouncycastle.tls.crypto.impl.bc.BcDefaultTlsCredentialedSigner;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;

/**
 * The DTLS 1.2 server side of one peer connection (RFC 5764 DTLS-SRTP). Bouncy Castle's handshake blocks
 * on {@link DatagramTransport#receive}, so records the media thread demultiplexes are handed over
 * through a small bounded queue and the handshake runs on its own (virtual) thread. The client's
 * certificate must match the fingerprint from its SDP, or the handshake fails.
 */
public final class DtlsTransport {
    /**
     * The suites the server accepts, in its order of preference: ECDHE with the ECDSA certificate (our
     * only credential) and AEAD ciphers only. Every browser offers these; the CBC suites (MAC-then-
     * encrypt, SHA-1) are left out on purpose.
     */
    static final int[] CIPHER_SUITES = {
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
    };

    /** Sends one DTLS record to the peer; called from the handshake thread. */
    public interface Sender {
        void send(byte[] b, int off, int len) throws IOException;
    }

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(DtlsTransport.class);
    private static final int MTU = 1200;
    private static final int QUEUE = 64;

    private final DtlsCertificate certificate;
    private final BcTlsCrypto crypto = new BcTlsCrypto();
    private final RecordQueue incoming = new RecordQueue(QUEUE);
    private final Sender sender;
    private volatile String expectedFingerprint;
    private volatile boolean closed;
    private volatile int dropped;
    private volatile int handshakeTimeoutMillis = 15_000;

    public DtlsTransport(DtlsCertificate certificate, Sender sender) {
        this.certificate = certificate;
        this.sender = sender;
    }

    /** The remote fingerprint from SDP ({@code sha-256} hex with colons); may arrive before or after the first record. */
    public void expectFingerprint(String fingerprint) {
        this.expectedFingerprint = fingerprint;
    }

    /** Hands a received DTLS record to the handshake; never blocks (a full queue drops and counts). */
    public void receive(byte[] b, int off, int len) {
        if (!incoming.offer(b, off, len)) {
            dropped++;
        }
    }

    public int droppedRecords() {
        return dropped;
    }

    public void close() {
        closed = true;
    }

    /**
     * Runs the handshake on a new virtual thread; exactly one of the callbacks is called, from that thread.
     */
    public void start(Consumer<SrtpKeyMaterial> onKeys, Consumer<String> onFailure, int timeoutMillis) {
        handshakeTimeoutMillis = timeoutMillis;
        Thread.ofVirtual().name("dtls-handshake").start(() -> {
            Server server = new Server();
            try {
                DTLSServerProtocol protocol = new DTLSServerProtocol();
                var transport = protocol.accept(server, new QueueTransport());
                onKeys.accept(server.keys);
                // keep reading so a close_notify or a retransmitted final flight is handled
                byte[] buf = new byte[MTU + 100];
                while (!closed) {
                    int n = transport.receive(buf, 0, buf.length, 1000);
                    if (n < 0 && closed) {
                        break;
                    }
                }
            } catch (IOException | RuntimeException e) {
                LOG.debug("DTLS handshake ended", e);
                if (server.keys == null) {
                    onFailure.accept(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
                }
            }
        });
    }

    /** Bridges BC's blocking receive to the queue the media thread fills. */
    private final class QueueTransport implements DatagramTransport {
        @Override
        public int getReceiveLimit() {
            return MTU + 100;
        }

        @Override
        public int getSendLimit() {
            return MTU;
        }

        @Override
        public int receive(byte[] buf, int off, int len, int waitMillis) throws IOException {
            if (closed) {
                throw new IOException("closed");
            }
            return incoming.receive(buf, off, len, waitMillis);
        }

        @Override
        public void send(byte[] buf, int off, int len) throws IOException {
            if (!closed) {
                sender.send(buf, off, len);
            }
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    /** Bouncy Castle's server callbacks: DTLS 1.2 only, ECDSA credentials, use_srtp, client certificate check. */
    private final class Server extends DefaultTlsServer {
        volatile SrtpKeyMaterial keys;
        private SrtpProfile chosen;

        Server() {
            super(crypto);
        }

        @Override
        protected ProtocolVersion[] getSupportedVersions() {
            return ProtocolVersion.DTLSv12.only();
        }

        @Override
        protected int[] getSupportedCipherSuites() {
            return org.bouncycastle.tls.TlsUtils.getSupportedCipherSuites(crypto, CIPHER_SUITES);
        }

        @Override
        public int getHandshakeTimeoutMillis() {
            return handshakeTimeoutMillis;
        }

        @Override
        protected TlsCredentialedSigner getECDSASignerCredentials() throws IOException {
            TlsCertificate cert = crypto.createCertificate(certificate.der());
            return new BcDefaultTlsCredentialedSigner(new TlsCryptoParameters(context), crypto,
                    certificate.privateKey(), new Certificate(new TlsCertificate[] {cert}),
                    new SignatureAndHashAlgorithm(HashAlgorithm.sha256, SignatureAlgorithm.ecdsa));
        }

        @Override
        public void processClientExtensions(Hashtable clientExtensions) throws IOException {
            super.processClientExtensions(clientExtensions);
            UseSRTPData offered = TlsSRTPUtils.getUseSRTPExtension(clientExtensions);
            if (offered == null) {
                throw new TlsFatalAlert(AlertDescription.handshake_failure, "client did not offer use_srtp");
            }
            for (SrtpProfile p : SrtpProfile.values()) {
                for (int id : offered.getProtectionProfiles()) {
                    if (id == p.id() && chosen == null) {
                        chosen = p;
                    }
                }
            }
            if (chosen == null) {
                throw new TlsFatalAlert(AlertDescription.handshake_failure, "no common SRTP profile");
            }
        }

        @Override
        @SuppressWarnings({"rawtypes", "unchecked"})
        public Hashtable getServerExtensions() throws IOException {
            Hashtable ext = super.getServerExtensions();
            TlsSRTPUtils.addUseSRTPExtension(ext, new UseSRTPData(new int[] {chosen.id()}, new byte[0]));
            return ext;
        }

        @Override
        @SuppressWarnings({"rawtypes", "unchecked"})
        public CertificateRequest getCertificateRequest() {
            Vector algs = new Vector();
            algs.add(new SignatureAndHashAlgorithm(HashAlgorithm.sha256, SignatureAlgorithm.ecdsa));
            algs.add(new SignatureAndHashAlgorithm(HashAlgorithm.sha256, SignatureAlgorithm.rsa));
            algs.add(new SignatureAndHashAlgorithm(HashAlgorithm.sha384, SignatureAlgorithm.ecdsa));
            return new CertificateRequest(new short[] {ClientCertificateType.ecdsa_sign, ClientCertificateType.rsa_sign},
                    algs, null);
        }

        @Override
        public void notifyClientCertificate(Certificate clientCertificate) throws IOException {
            if (clientCertificate == null || clientCertificate.isEmpty()) {
                throw new TlsFatalAlert(AlertDescription.handshake_failure, "client sent no certificate");
            }
            String expected = expectedFingerprint;
            // the subscribe answer (with the fingerprint) may still be on its way through signaling
            for (int i = 0; expected == null && i < 150 && !closed; i++) {
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
                expected = expectedFingerprint;
            }
            String actual = DtlsCertificate.fingerprintOf(clientCertificate.getCertificateAt(0).getEncoded());
            if (expected == null || !expected.equalsIgnoreCase(actual)) {
                throw new TlsFatalAlert(AlertDescription.bad_certificate, "fingerprint does not match the SDP");
            }
        }

        @Override
        public void notifyHandshakeComplete() throws IOException {
            super.notifyHandshakeComplete();
            int len = 2 * (chosen.keyLength() + chosen.saltLength());
            byte[] m = context.exportKeyingMaterial(ExporterLabel.dtls_srtp, null, len);
            keys = SrtpKeyMaterial.fromExporter(chosen, m, true);
        }
    }
}
