package fr.liaison.routes.signing;

import fr.liaison.routes.directory.NetworkTrust;
import fr.liaison.routes.keys.ParticipantKeys;
import fr.liaison.routes.keys.Providers;
import fr.liaison.routes.keys.SignerVerifiers;
import fr.liaison.schemas.error.ErrorCode;
import fr.liaison.schemas.error.LiaisonException;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Collection;
import java.util.Set;

import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.cms.CMSObjectIdentifiers;
import org.bouncycastle.asn1.cms.ContentInfo;
import org.bouncycastle.asn1.cms.IssuerAndSerialNumber;
import org.bouncycastle.asn1.cms.SignedData;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSProcessableByteArray;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.CMSSignedDataGenerator;
import org.bouncycastle.cms.SignerInformation;
import org.bouncycastle.cms.jcajce.JcaSignerInfoGeneratorBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;

/**
 * A CMS SignedData over a small document, in the style of the envelope's inner
 * layer: content attached, SHA-256, ECDSA (or RSA), signed attributes, signer certificate
 * included. Verification accepts exactly that and reports every failure with one code, the
 * detail saying which check failed. Used for consent proofs and receipts.
 */
public final class SignedContent {

    private static final SecureRandom RANDOM = new SecureRandom();

    private static final Set<ASN1ObjectIdentifier> DIGESTS = Set.of(
            NISTObjectIdentifiers.id_sha256, NISTObjectIdentifiers.id_sha384, NISTObjectIdentifiers.id_sha512);

    private static final Set<ASN1ObjectIdentifier> SIGNATURES = Set.of(
            X9ObjectIdentifiers.ecdsa_with_SHA256, X9ObjectIdentifiers.ecdsa_with_SHA384,
            X9ObjectIdentifiers.ecdsa_with_SHA512,
            PKCSObjectIdentifiers.sha256WithRSAEncryption, PKCSObjectIdentifiers.sha384WithRSAEncryption,
            PKCSObjectIdentifiers.sha512WithRSAEncryption, PKCSObjectIdentifiers.id_RSASSA_PSS,
            // rsaEncryption as the SignerInfo signature algorithm: the digest algorithm says which hash.
            PKCSObjectIdentifiers.rsaEncryption);

    /** What a verified SignedData carried and who signed it (trusted, signature checked). */
    public record Verified(byte[] content, X509Certificate signer) {
    }

    private SignedContent() {
    }

    /**
     * Fields the signature does not cover are fixed too, so that no byte of a proof or receipt can
     * change unnoticed: version 1 (id-data, issuer-and-serial signer), one certificate, no CRLs.
     */
    private static void checkUnsignedFields(SignedData data, ErrorCode failure) {
        if (data.getVersion().intValueExact() != 1) {
            throw new LiaisonException(failure, "SignedData version must be 1");
        }
        if (data.getCertificates() == null || data.getCertificates().size() != 1 || data.getCRLs() != null) {
            throw new LiaisonException(failure, "exactly the signer certificate and no CRLs");
        }
    }

    /** A DER ContentInfo holding SignedData with {@code content} attached, signed with the signer's signing key. */
    public static byte[] sign(byte[] content, ParticipantKeys signer) {
        String algorithm = "EC".equals(signer.signingKey().getAlgorithm()) || "ECDSA".equals(signer.signingKey().getAlgorithm())
                ? "SHA256withECDSA" : "SHA256withRSA";
        try {
            JcaX509CertificateHolder certificate = new JcaX509CertificateHolder(signer.signingCertificate());
            CMSSignedDataGenerator generator = new CMSSignedDataGenerator();
            generator.addSignerInfoGenerator(new JcaSignerInfoGeneratorBuilder(
                    new JcaDigestCalculatorProviderBuilder().setProvider(Providers.bouncyCastle()).build()).build(
                    new JcaContentSignerBuilder(algorithm).setProvider(Providers.bouncyCastle())
                            .setSecureRandom(RANDOM).build(signer.signingKey()),
                    certificate));
            generator.addCertificate(certificate);
            return generator.generate(new CMSProcessableByteArray(content), true).toASN1Structure()
                    .getEncoded(ASN1Encoding.DER);
        } catch (GeneralSecurityException | OperatorCreationException | CMSException | IOException e) {
            throw new LiaisonException(ErrorCode.KEYS_UNAVAILABLE,
                    "cannot sign with the signing key of " + signer.participantId() + ": " + e.getClass().getSimpleName(), e);
        }
    }

    /**
     * The content of a signature this node keeps (made here, or verified when it arrived), read
     * without verifying it again. Never for bytes just received: those go through {@link #verify}.
     */
    public static byte[] ownContent(byte[] der) {
        try {
            return (byte[]) new CMSSignedData(der).getSignedContent().getContent();
        } catch (CMSException | RuntimeException e) {
            throw new IllegalStateException("a signature kept by this node cannot be read", e);
        }
    }

    /**
     * Parses and verifies: one DER ContentInfo and nothing after it, SignedData over id-data with the
     * content attached, one signer with signed attributes, its certificate included once, a SHA-2
     * digest and an accepted signature algorithm, the certificate trusted by the network (chain,
     * validity, CRL), then the signature. Which participant the certificate belongs to is the
     * caller's check.
     *
     * @throws LiaisonException {@code failure} with a detail naming the check
     */
    public static Verified verify(byte[] der, int maxBytes, NetworkTrust trust, ErrorCode failure) {
        if (der == null || der.length == 0) {
            throw new LiaisonException(failure, "empty");
        }
        if (der.length > maxBytes) {
            throw new LiaisonException(failure, der.length + " bytes, limit " + maxBytes);
        }
        CMSSignedData signed;
        SignerInformation signer;
        X509Certificate certificate;
        try {
            // fromByteArray refuses trailing bytes after the first object.
            ContentInfo info = ContentInfo.getInstance(ASN1Primitive.fromByteArray(der));
            if (info == null || !CMSObjectIdentifiers.signedData.equals(info.getContentType())) {
                throw new LiaisonException(failure, "not a CMS SignedData");
            }
            if (!Arrays.equals(info.getEncoded(ASN1Encoding.DER), der)) {
                throw new LiaisonException(failure, "not DER");
            }
            signed = new CMSSignedData(info);
            checkUnsignedFields(SignedData.getInstance(info.getContent()), failure);
            if (!CMSObjectIdentifiers.data.getId().equals(signed.getSignedContentTypeOID())) {
                throw new LiaisonException(failure, "signed content type must be id-data");
            }
            if (signed.getSignedContent() == null) {
                throw new LiaisonException(failure, "detached signature: content required");
            }
            if (!(signed.getSignedContent().getContent() instanceof byte[])) {
                // eContent is an OCTET STRING (RFC 5652, 5.2); anything else would be read as no content.
                throw new LiaisonException(failure, "the signed content is not an OCTET STRING");
            }
            if (signed.getSignerInfos().size() != 1) {
                throw new LiaisonException(failure, signed.getSignerInfos().size() + " signers, one required");
            }
            signer = signed.getSignerInfos().getSigners().iterator().next();
            if (signer.getSignedAttributes() == null) {
                throw new LiaisonException(failure, "signed attributes required");
            }
            if (signer.getVersion() != 1 || signer.getUnsignedAttributes() != null) {
                throw new LiaisonException(failure, "signer info must be version 1 without unsigned attributes");
            }
            if (signed.getDigestAlgorithmIDs().size() != 1
                    || !signed.getDigestAlgorithmIDs().iterator().next().equals(signer.getDigestAlgorithmID())) {
                throw new LiaisonException(failure, "digest algorithms must be the signer's only");
            }
            Collection<X509CertificateHolder> matches = signed.getCertificates().getMatches(signer.getSID());
            if (matches.size() != 1) {
                throw new LiaisonException(failure, "signer certificate must be included once");
            }
            X509CertificateHolder holder = matches.iterator().next();
            // BC matches issuer names semantically; a re-encoded name is an altered proof.
            IssuerAndSerialNumber sid = IssuerAndSerialNumber.getInstance(signer.toASN1Structure().getSID().getId());
            if (!Arrays.equals(sid.getName().getEncoded(ASN1Encoding.DER), holder.toASN1Structure().getIssuer().getEncoded(ASN1Encoding.DER))
                    || !sid.getSerialNumber().equals(holder.toASN1Structure().getSerialNumber())) {
                throw new LiaisonException(failure, "signer identifier is not the included certificate's, byte for byte");
            }
            certificate = new JcaX509CertificateConverter().getCertificate(holder);
        } catch (LiaisonException e) {
            throw e;
        } catch (IOException | CMSException | GeneralSecurityException | RuntimeException e) {
            throw new LiaisonException(failure, "unreadable SignedData");
        }
        if (!DIGESTS.contains(new ASN1ObjectIdentifier(signer.getDigestAlgOID()))) {
            throw new LiaisonException(failure, "digest " + signer.getDigestAlgOID() + " (SHA-256 or stronger required)");
        }
        if (!SIGNATURES.contains(new ASN1ObjectIdentifier(signer.getEncryptionAlgOID()))) {
            throw new LiaisonException(failure, "signature algorithm " + signer.getEncryptionAlgOID());
        }
        checkSigner(certificate, trust, failure);
        boolean valid;
        try {
            valid = signer.verify(SignerVerifiers.forCertificate(certificate));
        } catch (CMSException | OperatorCreationException | RuntimeException e) {
            valid = false;
        }
        if (!valid) {
            throw new LiaisonException(failure, "signature does not verify");
        }
        return new Verified((byte[]) signed.getSignedContent().getContent(), certificate);
    }

    /**
     * The check of {@link #verify} that depends on the moment and on the network's trust as it is
     * now (chain, validity, CRL), not on the bytes: for a document verified earlier whose signer
     * must still be trusted.
     *
     * @throws LiaisonException {@code failure}, as {@link #verify} would throw it for this signer
     */
    public static void checkSigner(X509Certificate signer, NetworkTrust trust, ErrorCode failure) {
        try {
            trust.check(signer);
        } catch (LiaisonException e) {
            // Keep the precise reason (expired, revoked, untrusted) as the detail.
            throw new LiaisonException(failure, "signer certificate: " + e.code().code(), e);
        }
    }
}
