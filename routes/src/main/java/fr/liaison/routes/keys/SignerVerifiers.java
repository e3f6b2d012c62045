package fr.liaison.routes.keys;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.security.spec.X509EncodedKeySpec;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cms.DefaultCMSSignatureAlgorithmNameGenerator;
import org.bouncycastle.cms.SignerInformationVerifier;
import org.bouncycastle.operator.ContentVerifier;
import org.bouncycastle.operator.ContentVerifierProvider;
import org.bouncycastle.operator.DefaultSignatureAlgorithmIdentifierFinder;
import org.bouncycastle.operator.DigestCalculatorProvider;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;

/**
 * Verifiers of CMS signer infos for a signer's certificate, as Bouncy Castle's
 * {@code JcaSimpleSignerInfoVerifierBuilder.build(certificate)} makes them (the certificate stays
 * associated, so the signing time must fall within its validity), but on one public key object per
 * certificate. Bouncy Castle keeps the precomputed multiples of an elliptic-curve point with the key
 * that holds it: a key decoded afresh for every message recomputes them at each verification. With
 * a remembered key a P-256 verification takes about half the time. Only certificates that passed the
 * trust checks reach here; the map is bounded all the same.
 */
public final class SignerVerifiers {

    private static final int MAX_REMEMBERED = 1024;

    private record Signer(X509CertificateHolder holder, PublicKey key) {
    }

    private static final Map<X509Certificate, Signer> SIGNERS = new ConcurrentHashMap<>();

    private static final DigestCalculatorProvider DIGESTS = digests();

    private SignerVerifiers() {
    }

    /** A verifier for signatures by this certificate's key, the certificate associated. */
    public static SignerInformationVerifier forCertificate(X509Certificate certificate) throws OperatorCreationException {
        Signer signer = SIGNERS.get(certificate);
        if (signer == null) {
            signer = signer(certificate);
            if (SIGNERS.size() >= MAX_REMEMBERED) {
                SIGNERS.clear();
            }
            SIGNERS.put(certificate, signer);
        }
        ContentVerifierProvider keyed = new JcaContentVerifierProviderBuilder().setProvider(Providers.bouncyCastle()).build(signer.key());
        X509CertificateHolder holder = signer.holder();
        ContentVerifierProvider withCertificate = new ContentVerifierProvider() {
            @Override
            public boolean hasAssociatedCertificate() {
                return true;
            }

            @Override
            public X509CertificateHolder getAssociatedCertificate() {
                return holder;
            }

            @Override
            public ContentVerifier get(AlgorithmIdentifier algorithm) throws OperatorCreationException {
                return keyed.get(algorithm);
            }
        };
        return new SignerInformationVerifier(new DefaultCMSSignatureAlgorithmNameGenerator(), new DefaultSignatureAlgorithmIdentifierFinder(),
                withCertificate, DIGESTS);
    }

    private static DigestCalculatorProvider digests() {
        try {
            return new JcaDigestCalculatorProviderBuilder().setProvider(Providers.bouncyCastle()).build();
        } catch (OperatorCreationException e) {
            throw new IllegalStateException("no digest calculators from Bouncy Castle", e);
        }
    }

    private static Signer signer(X509Certificate certificate) throws OperatorCreationException {
        try {
            PublicKey key = KeyFactory.getInstance(certificate.getPublicKey().getAlgorithm(), Providers.bouncyCastle())
                    .generatePublic(new X509EncodedKeySpec(certificate.getPublicKey().getEncoded()));
            return new Signer(new JcaX509CertificateHolder(certificate), key);
        } catch (GeneralSecurityException e) {
            throw new OperatorCreationException("signer's public key unreadable: " + e.getMessage(), e);
        }
    }
}
