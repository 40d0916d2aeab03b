// SPDX-License-Identifier: Apache-2.0
package dev.porta.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import dev.porta.common.PrivateFiles;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The HTTPS certificate: a real one from PEM files, or a self-signed one that the first start
 * generates into the data directory (a PKCS#12 key store for the server and a PEM copy of the
 * certificate that clients add to their trust store).
 */
final class ServerCertificate {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ServerCertificate.class);
    static final String STORE_FILE = "tls/porta.p12";
    static final String CERT_PEM_FILE = "tls/porta-cert.pem";
    private static final String PASSWORD_FILE = "tls/porta.p12.password";
    private static final String ALIAS = PemCertificate.ALIAS;

    private final KeyStore keyStore;
    private final char[] password;
    private final Path certificatePem;
    /** From PEM files: what was read, for {@link CertificateReloader} to compare renewals with; else null. */
    private final PemCertificate pem;
    private final byte[] pemFingerprint;

    private ServerCertificate(KeyStore keyStore, char[] password, Path certificatePem) {
        this(keyStore, password, certificatePem, null, null);
    }

    private ServerCertificate(KeyStore keyStore, char[] password, Path certificatePem, PemCertificate pem, byte[] pemFingerprint) {
        this.keyStore = keyStore;
        this.password = password;
        this.certificatePem = certificatePem;
        this.pem = pem;
        this.pemFingerprint = pemFingerprint;
    }

    PemCertificate pem() {
        return pem;
    }

    byte[] pemFingerprint() {
        return pemFingerprint;
    }

    KeyStore keyStore() {
        return keyStore;
    }

    char[] password() {
        return password.clone();
    }

    /** The PEM file clients trust: the generated certificate, or the configured chain. */
    Path certificatePem() {
        return certificatePem;
    }

    static ServerCertificate load(TlsConfig config, Path dataDir, String publicHost, Clock clock) {
        try {
            if (config.certificateFile().isPresent()) {
                return fromPem(config.certificateFile().get(), config.privateKeyFile().orElseThrow());
            }
            return selfSigned(dataDir, publicHost, clock);
        } catch (IOException | GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException("cannot set up the TLS certificate: " + e.getMessage(), e);
        }
    }

    private static ServerCertificate fromPem(Path certFile, Path keyFile) throws IOException, GeneralSecurityException {
        if (PrivateFiles.posix() && Files.getPosixFilePermissions(keyFile).stream()
                .anyMatch(p -> p.name().startsWith("GROUP") || p.name().startsWith("OTHERS"))) {
            LOG.warn("tls.private-key-file {} is readable by other users; chmod 600 it", keyFile.toAbsolutePath());
        }
        byte[][] files = CertificateReloader.read(certFile, keyFile);
        PemCertificate pem = PemCertificate.parse(files[0], files[1]);
        if (pem.expiredAt(Instant.now())) {
            LOG.warn("tls.certificate-file {} has expired ({}); clients will refuse it", certFile.toAbsolutePath(), pem.describe());
        }
        LOG.info("tls: serving the certificate from {} ({})", certFile.toAbsolutePath(), pem.describe());
        return new ServerCertificate(pem.keyStore(), pem.password(), certFile, pem, CertificateReloader.fingerprint(files));
    }

    private static ServerCertificate selfSigned(Path dataDir, String publicHost, Clock clock)
            throws IOException, GeneralSecurityException, OperatorCreationException {
        Path store = dataDir.resolve(STORE_FILE);
        Path passwordFile = dataDir.resolve(PASSWORD_FILE);
        Path pem = dataDir.resolve(CERT_PEM_FILE);
        if (Files.exists(store) && Files.exists(passwordFile) && Files.exists(pem)) {
            char[] password = Files.readString(passwordFile).trim().toCharArray();
            KeyStore ks = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(store)) {
                ks.load(in, password);
            }
            if (coversHost((X509Certificate) ks.getCertificate(ALIAS), hostOnly(publicHost))) {
                return new ServerCertificate(ks, password, pem);
            }
        }
        PrivateFiles.directory(store.getParent());
        KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
        gen.initialize(2048);
        KeyPair pair = gen.generateKeyPair();
        Instant now = clock.instant();
        Set<String> names = new LinkedHashSet<>(List.of("localhost", "127.0.0.1", "::1"));
        if (!publicHost.isBlank()) {
            names.add(hostOnly(publicHost));
        }
        List<GeneralName> sans = new ArrayList<>();
        for (String n : names) {
            sans.add(isIpLiteral(n) ? new GeneralName(GeneralName.iPAddress, InetAddress.getByName(n).getHostAddress())
                    : new GeneralName(GeneralName.dNSName, n));
        }
        X500Name subject = new X500Name("CN=Porta self-signed (" + names.iterator().next() + ")");
        var builder = new JcaX509v3CertificateBuilder(subject, new BigInteger(64, new SecureRandom()),
                Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(825))), subject, pair.getPublic())
                .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(sans.toArray(GeneralName[]::new)))
                .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
        X509Certificate cert = new JcaX509CertificateConverter()
                .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(pair.getPrivate())));
        char[] password = randomPassword();
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry(ALIAS, pair.getPrivate(), password, new Certificate[] {cert});
        // The key store and its password sit side by side, so both are 0600 in a 0700 folder (as is all of data.dir).
        var p12 = new java.io.ByteArrayOutputStream();
        ks.store(p12, password);
        PrivateFiles.write(store, p12.toByteArray());
        PrivateFiles.writeString(passwordFile, new String(password));
        StringWriter w = new StringWriter();
        try (JcaPEMWriter pw = new JcaPEMWriter(w)) {
            pw.writeObject(cert);
        }
        PrivateFiles.writeString(pem, w.toString());
        return new ServerCertificate(ks, password, pem);
    }

    private static boolean coversHost(X509Certificate cert, String host) throws GeneralSecurityException {
        if (host.isBlank() || cert.getNotAfter().before(new Date())) {
            return !cert.getNotAfter().before(new Date());
        }
        var sans = cert.getSubjectAlternativeNames();
        if (sans == null) {
            return false;
        }
        for (List<?> san : sans) {
            if (host.equalsIgnoreCase(String.valueOf(san.get(1)))) {
                return true;
            }
        }
        return false;
    }

    static String hostOnly(String hostPort) {
        if (hostPort.startsWith("[")) {
            return hostPort.substring(1, Math.max(1, hostPort.indexOf(']')));
        }
        int colon = hostPort.indexOf(':');
        return colon < 0 || hostPort.indexOf(':', colon + 1) >= 0 ? hostPort : hostPort.substring(0, colon);
    }

    private static boolean isIpLiteral(String s) {
        return s.contains(":") || s.matches("\\d{1,3}(\\.\\d{1,3}){3}");
    }

    private static char[] randomPassword() {
        return PemCertificate.randomPassword();
    }
}
