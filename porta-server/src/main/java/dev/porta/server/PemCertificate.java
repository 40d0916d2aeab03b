// SPDX-License-Identifier: Apache-2.0
package dev.porta.server;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/**
 * A certificate chain and its private key read from PEM text (as certbot writes {@code fullchain.pem}
 * and {@code privkey.pem}), checked to belong together, in an in-memory key store for Jetty.
 */
record PemCertificate(KeyStore keyStore, char[] password, X509Certificate leaf) {
    static final String ALIAS = "porta";

    /** Parses both files' bytes; refuses (with a message naming the file) anything Jetty could not serve. */
    static PemCertificate parse(byte[] chainPem, byte[] keyPem) throws GeneralSecurityException {
        List<Certificate> chain = new ArrayList<>();
        JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
        PrivateKey key;
        try {
            try (Reader r = reader(chainPem); PEMParser parser = new PEMParser(r)) {
                for (Object o = parser.readObject(); o != null; o = parser.readObject()) {
                    if (o instanceof X509CertificateHolder h) {
                        chain.add(converter.getCertificate(h));
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            throw new GeneralSecurityException("tls.certificate-file is not valid PEM (" + e.getMessage() + ")", e);
        }
        if (chain.isEmpty()) {
            throw new GeneralSecurityException("tls.certificate-file holds no PEM certificate");
        }
        try (Reader r = reader(keyPem); PEMParser parser = new PEMParser(r)) {
            Object o = parser.readObject();
            JcaPEMKeyConverter keys = new JcaPEMKeyConverter();
            if (o instanceof PEMKeyPair kp) { // PKCS#1 RSA or SEC1 EC ("EC PRIVATE KEY", whose public part is optional)
                key = keys.getPrivateKey(kp.getPrivateKeyInfo());
            } else if (o instanceof PrivateKeyInfo info) {
                key = keys.getPrivateKey(info);
            } else {
                throw new GeneralSecurityException("tls.private-key-file holds no PEM private key"
                        + " (an encrypted key is not supported: Porta starts unattended)");
            }
        } catch (IOException | RuntimeException e) {
            throw new GeneralSecurityException("tls.private-key-file is not valid PEM (" + e.getMessage() + ")", e);
        }
        X509Certificate leaf = (X509Certificate) chain.getFirst();
        if (!belongTogether(key, leaf)) {
            throw new GeneralSecurityException("tls.private-key-file does not match the first certificate of tls.certificate-file ("
                    + leaf.getSubjectX500Principal().getName() + "); fullchain.pem and privkey.pem of different renewals?");
        }
        char[] password = randomPassword();
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try {
            ks.load(null, null);
        } catch (IOException e) {
            throw new GeneralSecurityException(e);
        }
        ks.setKeyEntry(ALIAS, key, password, chain.toArray(Certificate[]::new));
        return new PemCertificate(ks, password, leaf);
    }

    boolean expiredAt(Instant now) {
        return leaf.getNotAfter().before(Date.from(now));
    }

    /** Subject, serial and end of validity: what an operator compares with {@code openssl x509 -noout -text}. */
    String describe() {
        return "subject " + leaf.getSubjectX500Principal().getName() + ", serial " + leaf.getSerialNumber().toString(16)
                + ", valid until " + leaf.getNotAfter().toInstant();
    }

    /**
     * Whether the key is the certificate's: it signs a random challenge that the certificate's public key
     * must verify. This works for RSA, EC and EdDSA alike, unlike comparing key parameters.
     */
    private static boolean belongTogether(PrivateKey key, X509Certificate cert) {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "RSASSA-PSS" -> "RSASSA-PSS";
            case "EC", "ECDSA" -> "SHA256withECDSA";
            case "Ed25519", "Ed448", "EdDSA" -> key.getAlgorithm();
            default -> null;
        };
        if (algorithm == null) {
            return false;
        }
        try {
            byte[] challenge = new byte[32];
            new SecureRandom().nextBytes(challenge);
            Signature signer = Signature.getInstance(algorithm);
            if (algorithm.equals("RSASSA-PSS")) {
                signer.setParameter(new java.security.spec.PSSParameterSpec("SHA-256", "MGF1",
                        java.security.spec.MGF1ParameterSpec.SHA256, 32, 1));
            }
            signer.initSign(key);
            signer.update(challenge);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            if (algorithm.equals("RSASSA-PSS")) {
                verifier.setParameter(new java.security.spec.PSSParameterSpec("SHA-256", "MGF1",
                        java.security.spec.MGF1ParameterSpec.SHA256, 32, 1));
            }
            verifier.initVerify(cert.getPublicKey());
            verifier.update(challenge);
            return verifier.verify(signature);
        } catch (GeneralSecurityException | RuntimeException e) {
            return false; // e.g. an RSA key with an EC certificate
        }
    }

    private static Reader reader(byte[] pem) {
        return new StringReader(new String(pem, StandardCharsets.US_ASCII));
    }

    static char[] randomPassword() {
        byte[] b = new byte[18];
        new SecureRandom().nextBytes(b);
        return HexFormat.of().formatHex(b).toCharArray();
    }
}
