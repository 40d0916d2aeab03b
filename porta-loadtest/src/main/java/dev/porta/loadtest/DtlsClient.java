// SPDX-License-Identifier: Apache-2.0
package dev.porta.loadtest;

import dev.porta.media.dtls.DtlsCertificate;
import dev.porta.media.dtls.SrtpKeyMaterial;
import dev.porta.media.srtp.SrtpProfile;
import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Date;
import java.util.Hashtable;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.util.PrivateKeyFactory;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
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
 * The browser's half of DTLS-SRTP (RFC 5763/5764) on Bouncy Castle: a DTLS 1.2 client with an ECDSA
 * P-256 self-signed certificate that checks the server's certificate against the signaled fingerprint
 * and exports the SRTP keys. The certificate is made once per load-test run (browsers also reuse one).
 */
public final class DtlsClient {
    /** SRTP profiles offered, in the browser's order of preference: AEAD_AES_128_GCM, then AES_CM_128_HMAC_SHA1_80. */
    static final int[] PROFILES = {SrtpProfile.AEAD_AES_128_GCM.id(), SrtpProfile.AES_CM_128_HMAC_SHA1_80.id()};

    /** One self-signed identity. */
    public record Identity(byte[] der, AsymmetricKeyParameter privateKey, String fingerprint) {
        public static Identity generate() {
            try {
                KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
                g.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
                KeyPair kp = g.generateKeyPair();
                X500Name name = new X500Name("CN=porta-loadtest");
                Instant now = Instant.now();
                byte[] der = new JcaX509v3CertificateBuilder(name, new BigInteger(64, new SecureRandom()),
                        Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(Duration.ofDays(30))), name,
                        kp.getPublic()).build(new JcaContentSignerBuilder("SHA256withECDSA").build(kp.getPrivate()))
                        .getEncoded();
                return new Identity(der, PrivateKeyFactory.createKey(kp.getPrivate().getEncoded()),
                        DtlsCertificate.fingerprintOf(der));
            } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
                throw new IllegalStateException("cannot create the DTLS certificate", e);
            }
        }
    }

    /** Where handshake records go out. */
    public interface Out {
        void send(byte[] b, int off, int len) throws IOException;
    }

    private final Identity identity;
    private final BcTlsCrypto crypto = new BcTlsCrypto();
    /** Records from the server; bounded, because a flood must not grow memory (extra records are dropped). */
    private final BlockingQueue<byte[]> incoming = new ArrayBlockingQueue<>(64);

    public DtlsClient(Identity identity) {
        this.identity = identity;
    }

    /** Called by the socket reader for each DTLS record; drops it when the handshake is not reading. */
    public void receive(byte[] b, int off, int len) {
        incoming.offer(Arrays.copyOfRange(b, off, off + len));
    }

    /** Runs the handshake (blocking) and returns the key material as the client sees it. */
    public SrtpKeyMaterial handshake(String serverFingerprint, Out out) throws IOException {
        Client client = new Client(serverFingerprint);
        new DTLSClientProtocol().connect(client, new DatagramTransport() {
            @Override public int getReceiveLimit() { return 1500; }
            @Override public int getSendLimit() { return 1200; }
            @Override public int receive(byte[] buf, int off, int len, int wait) throws IOException {
                try {
                    byte[] r = incoming.poll(wait, TimeUnit.MILLISECONDS);
                    if (r == null) {
                        return -1;
                    }
                    int n = Math.min(len, r.length);
                    System.arraycopy(r, 0, buf, off, n);
                    return n;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
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
        SrtpKeyMaterial keys;
        int selected;

        Client(String serverFingerprint) {
            super(crypto);
            this.serverFingerprint = serverFingerprint;
        }

        @Override
        public int getHandshakeTimeoutMillis() {
            return 10_000; // Bouncy Castle's default is to retransmit forever; a run must end by itself
        }

        @Override
        public int getHandshakeResendTimeMillis() {
            // RFC 6347's (and Bouncy Castle's) first retransmission after 1 s added a whole second to
            // every Janus subscription, whose DTLS server is set up only after the answer: it drops a
            // ClientHello that comes too early. Browsers' WebRTC stacks start much lower (50 ms, then
            // doubling), so the tester does too.
            return 50;
        }

        @Override
        protected ProtocolVersion[] getSupportedVersions() {
            return ProtocolVersion.DTLSv12.only();
        }

        @Override
        @SuppressWarnings({"rawtypes", "unchecked"})
        public Hashtable getClientExtensions() throws IOException {
            Hashtable ext = super.getClientExtensions();
            TlsSRTPUtils.addUseSRTPExtension(ext, new UseSRTPData(PROFILES, new byte[0]));
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
                        throw new TlsFatalAlert((short) 42); // bad_certificate: not the signaled peer
                    }
                }

                @Override
                public TlsCredentials getClientCredentials(CertificateRequest req) throws IOException {
                    TlsCertificate c = crypto.createCertificate(identity.der());
                    return new BcDefaultTlsCredentialedSigner(new TlsCryptoParameters(context), crypto,
                            identity.privateKey(), new Certificate(new TlsCertificate[] {c}),
                            new SignatureAndHashAlgorithm(HashAlgorithm.sha256, SignatureAlgorithm.ecdsa));
                }
            };
        }

        @Override
        public void notifyHandshakeComplete() throws IOException {
            super.notifyHandshakeComplete();
            SrtpProfile p = SrtpProfile.byId(selected);
            int k = p.keyLength();
            int s = p.saltLength();
            // RFC 5764 §4.2: client key, server key, client salt, server salt; the client's are "local"
            byte[] m = context.exportKeyingMaterial(ExporterLabel.dtls_srtp, null, 2 * (k + s));
            keys = new SrtpKeyMaterial(p, Arrays.copyOfRange(m, 0, k), Arrays.copyOfRange(m, 2 * k, 2 * k + s),
                    Arrays.copyOfRange(m, k, 2 * k), Arrays.copyOfRange(m, 2 * k + s, 2 * k + 2 * s));
        }
    }
}
