// SPDX-License-Identifier: Apache-2.0
package dev.porta.media.dtls;

import dev.porta.media.srtp.SrtpProfile;
import java.io.IOException;
import java.util.Hashtable;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.CertificateRequest;
import org.bouncycastle.tls.DTLSClientProtocol;
import org.bouncycastle.tls.DatagramTransport;
import org.bouncycastle.tls.DefaultTlsClient;
import org.bouncycastle.tls.ExporterLabel;
import org.bouncycastle.tls.HashAlgorithm;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.SignatureAlgorithm;
import org.bouncycastle.tls.SignatureAndHashAlgorithm;
import org.bouncycastle.tls.TlsAuthentication;
import org.bouncycastle.tls.TlsCredentials;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsSRTPUtils;
import org.bouncycastle.tls.TlsServerCertificate;
import org.bouncycastle.tls.UseSRTPData;
import org.bouncycastle.tls.crypto.TlsCertificate;
import org.bouncycastle.tls.crypto.TlsCryptoParameters;
import org.bouncycastle.tls.crypto.impl.bc.BcDefaultTlsCredentialedSigner;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;

/**
 * The browser's half of DTLS-SRTP (RFC 5763/5764): a DTLS 1.2 client that checks the server's
 * certificate against the signaled fingerprint and exports the SRTP keys. The SFU itself is always
 * the DTLS server ({@link DtlsTransport}); this role is for whoever plays the browser against it —
 * the SFU's own tests and the load tester. One instance per handshake.
 */
public final class DtlsClient {
    /** SRTP profiles in the browser's order of preference: AEAD_AES_128_GCM, then AES_CM_128_HMAC_SHA1_80. */
    public static final int[] BROWSER_PROFILES = {SrtpProfile.AEAD_AES_128_GCM.id(), SrtpProfile.AES_CM_128_HMAC_SHA1_80.id()};

    /** Where handshake records go out. */
    @FunctionalInterface
    public interface Out {
        void send(byte[] b, int off, int len) throws IOException;
    }

    private final DtlsCertificate certificate;
    private final int[] profiles;
    /** Cipher suites offered, or null for Bouncy Castle's default list. */
    private final int[] offeredSuites;
    private final BcTlsCrypto crypto = new BcTlsCrypto();
    /** The suite the last handshake settled on (for tests). */
    volatile int negotiatedCipherSuite = -1;
    private final RecordQueue incoming = new RecordQueue(64);

    /** @param profiles SRTP protection profile ids offered, in order of preference */
    public DtlsClient(DtlsCertificate certificate, int[] profiles) {
        this(certificate, profiles, null);
    }

    /** With the cipher suites to offer, for tests of what the server accepts. */
    DtlsClient(DtlsCertificate certificate, int[] profiles, int[] offeredSuites) {
        this.certificate = certificate;
        this.profiles = profiles.clone();
        this.offeredSuites = offeredSuites == null ? null : offeredSuites.clone();
    }

    /** Called by the socket reader for each DTLS record; drops it when the handshake is not reading. */
    public void receive(byte[] b, int off, int len) {
        incoming.offer(b, off, len);
    }

    /**
     * Runs the handshake (blocking) and returns the key material as the client sees it; throws when
     * the server's certificate is not the one {@code serverFingerprint} names, or after 10 s.
     */
    public SrtpKeyMaterial handshake(String serverFingerprint, Out out) throws IOException {
        Client client = new Client(serverFingerprint);
        new DTLSClientProtocol().connect(client, new DatagramTransport() {
            @Override public int getReceiveLimit() { return 1500; }
            @Override public int getSendLimit() { return 1200; }
            @Override public int receive(byte[] buf, int off, int len, int wait) throws IOException {
                return incoming.receive(buf, off, len, wait);
            }
            @Override public void send(byte[] buf, int off, int len) throws IOException { out.send(buf, off, len); }
            @Override public void close() { }
        });
        return client.keys;
    }

    private final class Client extends DefaultTlsClient {
        final String serverFingerprint;
        SrtpKeyMaterial keys;
        int selected;

        Client(String serverFingerprint) {
            super(crypto);
            this.serverFingerprint = serverFingerprint;
        }

        @Override
        public int getHandshakeTimeoutMillis() {
            return 10_000; // Bouncy Castle's default is to retransmit forever; a caller must get an answer
        }

        @Override
        public int getHandshakeResendTimeMillis() {
            // RFC 6347's (and Bouncy Castle's) first retransmission after 1 s added a whole second to
            // every Janus subscription in the load tester: Janus sets its DTLS server up only after the
            // answer and drops a ClientHello that comes too early. Browsers' WebRTC stacks start much
            // lower (50 ms, then doubling), so this client does too.
            return 50;
        }

        @Override
        protected ProtocolVersion[] getSupportedVersions() {
            return ProtocolVersion.DTLSv12.only();
        }

        @Override
        protected int[] getSupportedCipherSuites() {
            return offeredSuites == null ? super.getSupportedCipherSuites() : offeredSuites.clone();
        }

        @Override
        @SuppressWarnings({"rawtypes", "unchecked"})
        public Hashtable getClientExtensions() throws IOException {
            Hashtable ext = super.getClientExtensions();
            TlsSRTPUtils.addUseSRTPExtension(ext, new UseSRTPData(profiles, new byte[0]));
            return ext;
        }

        @Override
        @SuppressWarnings("rawtypes")
        public void processServerExtensions(Hashtable serverExtensions) throws IOException {
            super.processServerExtensions(serverExtensions);
            selected = TlsSRTPUtils.getUseSRTPExtension(serverExtensions).getProtectionProfiles()[0];
        }

        @Override
        public TlsAuthentication getAuthentication() {
            return new TlsAuthentication() {
                @Override
                public void notifyServerCertificate(TlsServerCertificate sc) throws IOException {
                    String fp = DtlsCertificate.fingerprintOf(sc.getCertificate().getCertificateAt(0).getEncoded());
                    if (!fp.equalsIgnoreCase(serverFingerprint)) {
                        throw new TlsFatalAlert(AlertDescription.bad_certificate); // not the signaled peer
                    }
                }

                @Override
                public TlsCredentials getClientCredentials(CertificateRequest req) throws IOException {
                    TlsCertificate c = crypto.createCertificate(certificate.der());
                    return new BcDefaultTlsCredentialedSigner(new TlsCryptoParameters(context), crypto,
                            certificate.privateKey(), new Certificate(new TlsCertificate[] {c}),
                            new SignatureAndHashAlgorithm(HashAlgorithm.sha256, SignatureAlgorithm.ecdsa));
                }
            };
        }

        @Override
        public void notifyHandshakeComplete() throws IOException {
            super.notifyHandshakeComplete();
            negotiatedCipherSuite = context.getSecurityParametersConnection().getCipherSuite();
            SrtpProfile p = SrtpProfile.byId(selected);
            byte[] m = context.exportKeyingMaterial(ExporterLabel.dtls_srtp, null, 2 * (p.keyLength() + p.saltLength()));
            keys = SrtpKeyMaterial.fromExporter(p, m, false);
        }
    }
}
