package org.camelgateway.listener;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A certificate chain and its private key in PEM, as a Kubernetes {@code kubernetes.io/tls} secret holds them
 * ({@code tls.crt}, {@code tls.key}). cert-manager writes RSA keys as PKCS#1 ({@code RSA PRIVATE KEY}) and EC
 * keys as SEC1 ({@code EC PRIVATE KEY}) by default; the JDK and Netty (without Bouncy Castle) read only PKCS#8,
 * so those two are wrapped into PKCS#8 here.
 */
public record PemFiles(List<X509Certificate> chain, PrivateKey key) {

    private static final Pattern KEY_BLOCK = Pattern.compile(
            "-----BEGIN ((?:RSA |EC )?PRIVATE KEY)-----([A-Za-z0-9+/=\\s]+)-----END \\1-----");
    // DER of the AlgorithmIdentifier OIDs the PKCS#8 wrapper names
    private static final byte[] RSA_ENCRYPTION = {0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01};
    private static final byte[] EC_PUBLIC_KEY = {0x06, 0x07, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x02, 0x01};
    private static final byte[] DER_NULL = {0x05, 0x00};

    public static PemFiles read(Path certFile, Path keyFile) throws IOException, GeneralSecurityException {
        List<X509Certificate> chain;
        try (InputStream in = Files.newInputStream(certFile)) {
            chain = CertificateFactory.getInstance("X.509").generateCertificates(in).stream()
                    .map(X509Certificate.class::cast).toList();
        } catch (GeneralSecurityException e) {
            throw new GeneralSecurityException(certFile + ": not a PEM certificate chain: " + e.getMessage(), e);
        }
        if (chain.isEmpty()) {
            throw new GeneralSecurityException(certFile + ": no certificate in it");
        }
        PrivateKey key;
        try {
            key = privateKey(Files.readString(keyFile, StandardCharsets.US_ASCII));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new GeneralSecurityException(keyFile + ": " + e.getMessage(), e);
        }
        if (!matches(key, chain.get(0))) {
            throw new GeneralSecurityException(keyFile + ": not the key of the first certificate in " + certFile);
        }
        return new PemFiles(chain, key);
    }

    /**
     * A signature made with the key verifies with the certificate's public key. Netty's builder does not check
     * this on every engine; a mismatch would only show as failed handshakes.
     */
    static boolean matches(PrivateKey key, X509Certificate certificate) throws GeneralSecurityException {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            default -> key.getAlgorithm();
        };
        byte[] probe = "camel-gateway key check".getBytes(StandardCharsets.US_ASCII);
        Signature signer = Signature.getInstance(algorithm);
        signer.initSign(key);
        signer.update(probe);
        byte[] signature = signer.sign();
        Signature verifier = Signature.getInstance(algorithm);
        try {
            verifier.initVerify(certificate.getPublicKey());
        } catch (InvalidKeyException e) {
            return false; // a key of another algorithm than the certificate's
        }
        verifier.update(probe);
        return verifier.verify(signature);
    }

    static PrivateKey privateKey(String pem) throws GeneralSecurityException {
        Matcher block = KEY_BLOCK.matcher(pem);
        if (!block.find()) {
            throw new GeneralSecurityException("no unencrypted PEM private key (PRIVATE KEY, RSA PRIVATE KEY or"
                    + " EC PRIVATE KEY) in it");
        }
        byte[] der = Base64.getMimeDecoder().decode(block.group(2));
        return switch (block.group(1)) {
            case "RSA PRIVATE KEY" -> KeyFactory.getInstance("RSA").generatePrivate(
                    new PKCS8EncodedKeySpec(pkcs8(sequence(RSA_ENCRYPTION, DER_NULL), der)));
            case "EC PRIVATE KEY" -> KeyFactory.getInstance("EC").generatePrivate(
                    new PKCS8EncodedKeySpec(pkcs8(sequence(EC_PUBLIC_KEY, sec1CurveOid(der)), der)));
            default -> pkcs8Key(der);
        };
    }

    private static PrivateKey pkcs8Key(byte[] der) throws GeneralSecurityException {
        GeneralSecurityException last = null;
        for (String algorithm : new String[] {"RSA", "EC", "Ed25519"}) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                last = e;
            }
        }
        throw new GeneralSecurityException("a PKCS#8 key of no supported algorithm (RSA, EC, Ed25519)", last);
    }

    /** PrivateKeyInfo ::= SEQUENCE { version 0, AlgorithmIdentifier, OCTET STRING privateKey }. */
    private static byte[] pkcs8(byte[] algorithm, byte[] key) {
        return tlv(0x30, concat(new byte[] {0x02, 0x01, 0x00}, algorithm, tlv(0x04, key)));
    }

    /**
     * ECPrivateKey ::= SEQUENCE { version 1, OCTET STRING key, [0] curve OID OPTIONAL, [1] public key OPTIONAL }:
     * PKCS#8 names the curve in its AlgorithmIdentifier, so it is taken from the [0] field.
     */
    private static byte[] sec1CurveOid(byte[] der) throws GeneralSecurityException {
        int[] at = {0};
        expect(der, at, 0x30);
        length(der, at);
        expect(der, at, 0x02);
        skip(der, at);
        expect(der, at, 0x04);
        skip(der, at);
        if (at[0] < der.length && (der[at[0]] & 0xff) == 0xa0) {
            at[0]++;
            length(der, at);
            int start = at[0];
            expect(der, at, 0x06);
            int oidLength = length(der, at);
            byte[] oid = new byte[at[0] + oidLength - start];
            System.arraycopy(der, start, oid, 0, oid.length);
            return oid;
        }
        throw new GeneralSecurityException("EC PRIVATE KEY without its curve (openssl ec -param_out, or PKCS#8)");
    }

    private static void expect(byte[] der, int[] at, int tag) throws GeneralSecurityException {
        if (at[0] >= der.length || (der[at[0]] & 0xff) != tag) {
            throw new GeneralSecurityException("malformed EC PRIVATE KEY");
        }
        at[0]++;
    }

    private static void skip(byte[] der, int[] at) throws GeneralSecurityException {
        int length = length(der, at); // not at[0] += length(...): that would add to the index read before the call
        at[0] += length;
    }

    private static int length(byte[] der, int[] at) throws GeneralSecurityException {
        if (at[0] >= der.length) {
            throw new GeneralSecurityException("malformed EC PRIVATE KEY");
        }
        int first = der[at[0]++] & 0xff;
        if (first < 0x80) {
            return first;
        }
        int length = 0;
        for (int i = 0; i < (first & 0x7f); i++) {
            length = (length << 8) | (der[at[0]++] & 0xff);
        }
        return length;
    }

    private static byte[] sequence(byte[]... parts) {
        return tlv(0x30, concat(parts));
    }

    private static byte[] tlv(int tag, byte[] value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(value.length + 6);
        out.write(tag);
        int n = value.length;
        if (n < 0x80) {
            out.write(n);
        } else {
            int bytes = n > 0xffffff ? 4 : n > 0xffff ? 3 : n > 0xff ? 2 : 1;
            out.write(0x80 | bytes);
            for (int i = bytes - 1; i >= 0; i--) {
                out.write(n >>> (8 * i));
            }
        }
        out.writeBytes(value);
        return out.toByteArray();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
