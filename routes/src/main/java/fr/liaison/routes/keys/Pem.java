package fr.liaison.routes.keys;

import fr.liaison.schemas.error.ErrorCode;
import fr.liaison.schemas.error.LiaisonException;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.CRLException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/** Reads PEM certificates, CRLs and unencrypted private keys (PKCS#8 or traditional). */
public final class Pem {

    private Pem() {
    }

    public static X509Certificate certificate(String pem) {
        List<X509Certificate> all = certificates(pem);
        if (all.isEmpty()) {
            throw new LiaisonException(ErrorCode.KEYS_UNAVAILABLE, "no certificate in PEM text");
        }
        return all.get(0);
    }

    public static X509Certificate certificate(Path file) {
        return certificate(read(file));
    }

    public static List<X509Certificate> certificates(String pem) {
        try {
            List<X509Certificate> out = new ArrayList<>();
            for (var cert : factory().generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))) {
                out.add((X509Certificate) cert);
            }
            return out;
        } catch (CertificateException e) {
            throw new LiaisonException(ErrorCode.KEYS_UNAVAILABLE, "unreadable certificate", e);
        }
    }

    public static X509CRL crl(String pem) {
        try {
            return (X509CRL) factory().generateCRL(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
        } catch (CRLException e) {
            throw new LiaisonException(ErrorCode.KEYS_UNAVAILABLE, "unreadable CRL", e);
        }
    }

    public static PrivateKey privateKey(Path file) {
        try (PEMParser parser = new PEMParser(new StringReader(read(file)))) {
            Object object = parser.readObject();
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter().setProvider(Providers.bouncyCastle());
            if (object instanceof PrivateKeyInfo info) {
                return converter.getPrivateKey(info);
            }
            if (object instanceof PEMKeyPair pair) {
                return converter.getKeyPair(pair).getPrivate();
            }
            throw new LiaisonException(ErrorCode.KEYS_UNAVAILABLE, "no unencrypted private key in " + file.getFileName());
        } catch (IOException e) {
            throw new LiaisonException(ErrorCode.KEYS_UNAVAILABLE, "unreadable private key " + file.getFileName(), e);
        }
    }

    static CertificateFactory factory() {
        try {
            return CertificateFactory.getInstance("X.509");
        } catch (CertificateException e) {
            throw new IllegalStateException("X.509 is part of every JDK", e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new LiaisonException(ErrorCode.KEYS_UNAVAILABLE, "cannot read " + file, e);
        }
    }
}
