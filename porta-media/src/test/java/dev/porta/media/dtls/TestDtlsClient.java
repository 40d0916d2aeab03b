// SPDX-License-Identifier: Apache-2.0
package dev.porta.media.dtls;

import java.io.IOException;
import java.util.Hashtable;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
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
import dev.porta.media.srtp.SrtpProfile;

/** A Bouncy Castle DTLS-SRTP client for tests: plays the browser's part of the handshake. */
public final class TestDtlsClient {
    public final DtlsCertificate certificate = DtlsCertificate.generate(java.time.Instant.now());
    public final BlockingQueue<byte[]> incoming = new LinkedBlockingQueue<>();
    private final BcTlsCrypto crypto = new BcTlsCrypto();

    public interface Out {
        void send(byte[] b, int off, int len) throws IOException;
    }

    /** Runs the handshake (blocking) and returns the exported key material as the client sees it. */
    public SrtpKeyMaterial handshake(String serverFingerprint, int[] profiles, Out out) throws IOException {
        Client client = new Client(serverFingerprint, profiles);
        new DTLSClientProtocol().connect(client, new DatagramTransport() {
            @Override public int getReceiveLimit() { return 1500; }
            @Override public int getSendLimit() { return 1200; }
            @Override public int receive(byte[] buf, int off, int len, int wait) throws IOException {
                try {
                    byte[] r = incoming.poll(wait, TimeUnit.MILLISECONDS);
                    if (r == null) {
                        return -1;
                    }
                    System.arraycopy(r, 0, buf, off, r.length);
                    return r.length;
                } catch (InterruptedException e) {
                    throw new IOException(e);
                }
            }
            @Override public void send(byte[] buf, int off, int len) throws IOException { out.send(buf, off, len); }
            @Override public void close() { }
        });
        return client.keys;
    }

    private final class Client extends DefaultTlsClient {
        final String serverFingerprint;
        final int[] profiles;
        SrtpKeyMaterial keys;
        int selected;

        @Override
        @SuppressWarnings("rawtypes")
        public void processServerExtensions(Hashtable serverExtensions) throws IOException {
            super.processServerExtensions(serverExtensions);
            selected = TlsSRTPUtils.getUseSRTPExtension(serverExtensions).getProtectionProfiles()[0];
        }

        Client(String serverFingerprint, int[] profiles) {
            super(crypto);
            this.serverFingerprint = serverFingerprint;
            this.profiles = profiles;
        }

        @Override
        protected ProtocolVersion[] getSupportedVersions() {
            return ProtocolVersion.DTLSv12.only();
        }

        @Override
        @SuppressWarnings({"rawtypes", "unchecked"})
        public Hashtable getClientExtensions() throws IOException {
            Hashtable ext = super.getClientExtensions();
            TlsSRTPUtils.addUseSRTPExtension(ext, new UseSRTPData(profiles, new byte[0]));
            return ext;
        }

        @Override
        public TlsAuthentication getAuthentication() {
            return new TlsAuthentication() {
                @Override
                public void notifyServerCertificate(TlsServerCertificate sc) throws IOException {
                    String fp = DtlsCertificate.fingerprintOf(sc.getCertificate().getCertificateAt(0).getEncoded());
                    if (!fp.equals(serverFingerprint)) {
                        throw new TlsFatalAlert((short) 42);
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
            SrtpProfile p = SrtpProfile.byId(selected);
            byte[] m = context.exportKeyingMaterial(ExporterLabel.dtls_srtp, null, 2 * (p.keyLength() + p.saltLength()));
            keys = SrtpKeyMaterial.fromExporter(p, m, false);
        }
    }
}
