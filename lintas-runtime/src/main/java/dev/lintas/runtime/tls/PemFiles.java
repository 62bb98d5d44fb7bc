package dev.lintas.runtime.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the PEM files a TLS listener is configured with: certificates ({@code BEGIN CERTIFICATE}, one or more) and an
 * unencrypted PKCS#8 private key ({@code BEGIN PRIVATE KEY}, RSA, EC or EdDSA). Text around the PEM blocks, such as
 * the subject lines {@code openssl} writes, is ignored. Every failure is a {@link TlsFileException} whose message says
 * what was expected.
 */
final class PemFiles {

    private static final Pattern CERTIFICATE =
            Pattern.compile("-----BEGIN CERTIFICATE-----([A-Za-z0-9+/=\\s]*)-----END CERTIFICATE-----");
    private static final Pattern PRIVATE_KEY =
            Pattern.compile("-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\\s]*)-----END PRIVATE KEY-----");
    private static final String[] KEY_ALGORITHMS = {"RSA", "EC", "EdDSA", "RSASSA-PSS"};

    private PemFiles() {
    }

    /** The certificates of {@code file}, in the order written; at least one. */
    static List<X509Certificate> certificates(Path file, TlsFileException.Source source) throws TlsFileException {
        String text = read(file, source);
        List<X509Certificate> certificates = new ArrayList<>();
        Matcher matcher = CERTIFICATE.matcher(text);
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            while (matcher.find()) {
                byte[] der = Base64.getMimeDecoder().decode(matcher.group(1));
                certificates.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(der)));
            }
        } catch (CertificateException | IllegalArgumentException e) {
            throw new TlsFileException(source, "'" + file + "' holds a certificate that does not parse: "
                    + e.getMessage() + " (expected PEM X.509 certificates)");
        }
        if (certificates.isEmpty()) {
            throw new TlsFileException(source, "'" + file + "' holds no certificate (expected PEM X.509 "
                    + "certificates, -----BEGIN CERTIFICATE-----)");
        }
        return certificates;
    }

    /** The one private key of {@code file}. */
    static PrivateKey privateKey(Path file) throws TlsFileException {
        TlsFileException.Source source = TlsFileException.Source.KEY;
        String text = read(file, source);
        Matcher matcher = PRIVATE_KEY.matcher(text);
        if (!matcher.find()) {
            throw new TlsFileException(source, "'" + file + "' holds no " + unsupportedKind(text)
                    + "(expected an unencrypted PKCS#8 private key, -----BEGIN PRIVATE KEY-----; "
                    + "'openssl pkcs8 -topk8 -nocrypt' converts other forms)");
        }
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(matcher.group(1));
        } catch (IllegalArgumentException e) {
            throw new TlsFileException(source, "'" + file + "' holds a private key that is not valid base64");
        }
        for (String algorithm : KEY_ALGORITHMS) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                // Not this algorithm; try the next.
            }
        }
        throw new TlsFileException(source, "'" + file + "' holds a private key that does not parse "
                + "(expected an RSA, EC or EdDSA key in PKCS#8)");
    }

    /** What an unsupported PEM key block is, for the message; empty when there is none. */
    private static String unsupportedKind(String text) {
        if (text.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----")) {
            return "unencrypted key, only an encrypted one ";
        }
        if (text.contains("-----BEGIN RSA PRIVATE KEY-----") || text.contains("-----BEGIN EC PRIVATE KEY-----")) {
            return "PKCS#8 key, only a PKCS#1 or SEC1 one ";
        }
        return "private key ";
    }

    /**
     * Fails when {@code key} is not the private key of {@code certificate}: a key and certificate that do not match
     * would otherwise pass every check and fail every handshake. RSA keys are compared by modulus; other keys sign a
     * random challenge that the certificate's public key must verify.
     */
    static void checkPair(PrivateKey key, X509Certificate certificate, Path keyFile, Path certFile)
            throws TlsFileException {
        PublicKey publicKey = certificate.getPublicKey();
        boolean matches;
        if (key instanceof RSAKey rsa && publicKey instanceof RSAKey rsaPublic) {
            matches = rsa.getModulus().equals(rsaPublic.getModulus());
        } else {
            matches = signs(key, publicKey);
        }
        if (!matches) {
            throw new TlsFileException(TlsFileException.Source.KEY, "'" + keyFile + "' is not the private key of "
                    + "the certificate in '" + certFile + "' (expected the key of its first certificate)");
        }
    }

    private static boolean signs(PrivateKey key, PublicKey publicKey) {
        String algorithm = switch (key.getAlgorithm()) {
            case "EC" -> "SHA256withECDSA";
            case "EdDSA", "Ed25519", "Ed448" -> "EdDSA";
            default -> null;
        };
        if (algorithm == null || !key.getAlgorithm().equals(publicKey.getAlgorithm())
                && !(algorithm.equals("EdDSA") && publicKey.getAlgorithm().startsWith("Ed"))) {
            return false;
        }
        try {
            byte[] challenge = new byte[32];
            new SecureRandom().nextBytes(challenge);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(challenge);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(publicKey);
            verifier.update(challenge);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static String read(Path file, TlsFileException.Source source) throws TlsFileException {
        try {
            return Files.readString(file, StandardCharsets.ISO_8859_1);
        } catch (NoSuchFileException e) {
            throw new TlsFileException(source, "'" + file + "' does not exist");
        } catch (AccessDeniedException e) {
            throw new TlsFileException(source, "'" + file + "' cannot be read (permission denied)");
        } catch (IOException e) {
            throw new TlsFileException(source, "'" + file + "' cannot be read (" + e.getMessage() + ")");
        }
    }
}
