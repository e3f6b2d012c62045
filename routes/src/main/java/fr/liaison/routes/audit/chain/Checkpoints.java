package fr.liaison.routes.audit.chain;

import fr.liaison.routes.keys.Fingerprints;
import fr.liaison.routes.keys.ParticipantKeys;
import fr.liaison.routes.keys.Providers;
import fr.liaison.routes.signing.SignedContent;
import fr.liaison.schemas.error.ErrorCode;
import fr.liaison.schemas.error.LiaisonException;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Date;
import java.util.Objects;
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
import org.bouncycastle.asn1.x509.Certificate;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.SignerInformation;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoVerifierBuilder;

/**
 * Signs and verifies {@link Checkpoint}s. The signature is a DER CMS SignedData, content attached,
 * made by {@link SignedContent#sign} with the node's signing key, over compact UTF-8 JSON:
 * <pre>{"type":"liaison-audit-checkpoint/1","node":"FT-29","seq":50,"hash":"…","at":"2026-11-23T06:21:22.123456Z"}</pre>
 * An export's end ({@link Checkpoint#exportEnd}) is signed the same way with the type
 * {@value #EXPORT_END_TYPE}: the other type keeps either statement from passing for the other.
 *
 * <p>Verification is offline: no directory, no CA, no CRL. The caller gives the certificate the
 * node signed the checkpoint with (the security officer has it from the directory or the node's
 * operator; across a key rollover, the one whose fingerprint the checkpoint names), and the
 * SignedData must carry exactly that certificate, byte for byte. The fingerprint is outside the
 * signed content, which stays the same as before checkpoints named their key; it cannot be changed
 * unnoticed, since it must be that of the one certificate the signature carries.
 */
public final class Checkpoints {

    /** Distinguishes a checkpoint from any other JSON document a node signs. */
    public static final String TYPE = "liaison-audit-checkpoint/1";

    /** Distinguishes the end of an export ("my export made at this time ends at this entry"). */
    public static final String EXPORT_END_TYPE = "liaison-audit-export-end/1";

    /** A checkpoint signature is about 1 KiB with its certificate; anything far bigger is not one. */
    static final int MAX_SIGNATURE_BYTES = 16 * 1024;

    private static final Set<ASN1ObjectIdentifier> DIGESTS = Set.of(
            NISTObjectIdentifiers.id_sha256, NISTObjectIdentifiers.id_sha384, NISTObjectIdentifiers.id_sha512);

    private static final Set<ASN1ObjectIdentifier> SIGNATURES = Set.of(
            X9ObjectIdentifiers.ecdsa_with_SHA256, X9ObjectIdentifiers.ecdsa_with_SHA384,
            X9ObjectIdentifiers.ecdsa_with_SHA512,
            PKCSObjectIdentifiers.sha256WithRSAEncryption, PKCSObjectIdentifiers.sha384WithRSAEncryption,
            PKCSObjectIdentifiers.sha512WithRSAEncryption,
            // rsaEncryption as the SignerInfo signature algorithm: the (SHA-2) digest algorithm says which hash.
            PKCSObjectIdentifiers.rsaEncryption);

    private Checkpoints() {
    }

    /**
     * Signs the head of {@code keys}' own chain; the checkpoint's node is {@code keys.participantId()}.
     *
     * @param at truncated to microseconds, as in the export
     * @throws IllegalArgumentException if seq is negative, hash is not a hex SHA-256 digest, or seq
     *         0 is not paired with {@link AuditChain#GENESIS}
     */
    public static Checkpoint sign(long seq, String hash, Instant at, ParticipantKeys keys) {
        return sign(seq, hash, at, keys, false);
    }

    /**
     * Signs the end of an export of {@code keys}' own chain, whose last entry is {@code seq} with
     * {@code hash} (seq 0 and {@link AuditChain#GENESIS} for an export of an empty chain).
     *
     * @param at the time of the export, truncated to microseconds
     */
    public static Checkpoint signExportEnd(long seq, String hash, Instant at, ParticipantKeys keys) {
        return sign(seq, hash, at, keys, true);
    }

    private static Checkpoint sign(long seq, String hash, Instant at, ParticipantKeys keys, boolean exportEnd) {
        if (seq < 0 || !AuditChain.isDigest(hash) || (seq == 0 && !AuditChain.GENESIS.equals(hash))) {
            throw new IllegalArgumentException("a checkpoint signs a seq from 0 and its 64-hex-character hash");
        }
        Instant time = at.truncatedTo(ChronoUnit.MICROS);
        String node = keys.participantId();
        return new Checkpoint(seq, hash, time, node, Fingerprints.sha256(keys.signingCertificate()),
                SignedContent.sign(content(exportEnd, node, seq, hash, time), keys), exportEnd);
    }

    /**
     * Checks that {@code c} was signed with {@code nodeSigningCertificate}'s key and says what its
     * fields say: one DER ContentInfo, SignedData version 1 over id-data with the content attached,
     * exactly one certificate, equal byte for byte to the given one, and no CRLs, one signer
     * identified by that certificate's issuer and serial with signed attributes and no unsigned
     * ones, a SHA-2 digest, an ECDSA or RSA signature that verifies, the signing time (if any) and
     * the checkpoint's time within the certificate's validity, signed content equal to the
     * canonical JSON of the checkpoint's type (checkpoint or export end), node, seq, hash and time,
     * and the signer it names (if it names one) that certificate's fingerprint.
     *
     * @throws LiaisonException AUDIT_CHECKPOINT_INVALID, the detail naming the failed check
     */
    public static void verify(Checkpoint c, X509Certificate nodeSigningCertificate) {
        Objects.requireNonNull(c, "checkpoint");
        Objects.requireNonNull(nodeSigningCertificate, "nodeSigningCertificate");
        byte[] der = c.signature();
        if (der.length == 0) {
            throw invalid("empty signature");
        }
        if (der.length > MAX_SIGNATURE_BYTES) {
            throw invalid("signature of " + der.length + " bytes, limit " + MAX_SIGNATURE_BYTES);
        }
        CMSSignedData signed;
        SignerInformation signer;
        try {
            // fromByteArray refuses trailing bytes after the first object.
            ContentInfo info = ContentInfo.getInstance(ASN1Primitive.fromByteArray(der));
            if (info == null || !CMSObjectIdentifiers.signedData.equals(info.getContentType())) {
                throw invalid("signature is not a CMS SignedData");
            }
            if (!Arrays.equals(info.getEncoded(ASN1Encoding.DER), der)) {
                throw invalid("signature is not DER");
            }
            SignedData data = SignedData.getInstance(info.getContent());
            if (data.getVersion().intValueExact() != 1) {
                throw invalid("SignedData version must be 1");
            }
            if (data.getCertificates() == null || data.getCertificates().size() != 1 || data.getCRLs() != null) {
                throw invalid("exactly the signer certificate and no CRLs");
            }
            byte[] expectedCertificate = nodeSigningCertificate.getEncoded();
            Certificate included = Certificate.getInstance(data.getCertificates().getObjectAt(0));
            if (!Arrays.equals(included.getEncoded(ASN1Encoding.DER), expectedCertificate)) {
                throw invalid("signed with another certificate than the node's");
            }
            signed = new CMSSignedData(info);
            if (!CMSObjectIdentifiers.data.getId().equals(signed.getSignedContentTypeOID())) {
                throw invalid("signed content type must be id-data");
            }
            if (signed.getSignedContent() == null) {
                throw invalid("detached signature: content required");
            }
            if (signed.getSignerInfos().size() != 1) {
                throw invalid(signed.getSignerInfos().size() + " signers, one required");
            }
            signer = signed.getSignerInfos().getSigners().iterator().next();
            if (signer.getSignedAttributes() == null) {
                throw invalid("signed attributes required");
            }
            if (signer.getVersion() != 1 || signer.getUnsignedAttributes() != null) {
                throw invalid("signer info must be version 1 without unsigned attributes");
            }
            if (signed.getDigestAlgorithmIDs().size() != 1
                    || !signed.getDigestAlgorithmIDs().iterator().next().equals(signer.getDigestAlgorithmID())) {
                throw invalid("digest algorithms must be the signer's only");
            }
            IssuerAndSerialNumber sid = IssuerAndSerialNumber.getInstance(signer.toASN1Structure().getSID().getId());
            if (!Arrays.equals(sid.getName().getEncoded(ASN1Encoding.DER), included.getIssuer().getEncoded(ASN1Encoding.DER))
                    || !sid.getSerialNumber().equals(included.getSerialNumber())) {
                throw invalid("signer identifier is not the node certificate's, byte for byte");
            }
        } catch (LiaisonException e) {
            throw e;
        } catch (IOException | GeneralSecurityException | CMSException | RuntimeException e) {
            throw invalid("unreadable signature");
        }
        if (!DIGESTS.contains(new ASN1ObjectIdentifier(signer.getDigestAlgOID()))) {
            throw invalid("digest " + signer.getDigestAlgOID() + " (SHA-256 or stronger required)");
        }
        if (!SIGNATURES.contains(new ASN1ObjectIdentifier(signer.getEncryptionAlgOID()))) {
            throw invalid("signature algorithm " + signer.getEncryptionAlgOID());
        }
        boolean valid;
        try {
            // BC also refuses a signingTime attribute outside the certificate's validity.
            valid = signer.verify(new JcaSimpleSignerInfoVerifierBuilder().setProvider(Providers.bouncyCastle())
                    .build(nodeSigningCertificate));
        } catch (Exception e) { // CMSException, OperatorCreationException, RuntimeException: all mean "not valid"
            valid = false;
        }
        if (!valid) {
            throw invalid("signature does not verify with the node's certificate");
        }
        if (c.at().getNano() % 1_000 != 0) {
            throw invalid("checkpoint time finer than a microsecond");
        }
        Date at = Date.from(c.at());
        if (at.before(nodeSigningCertificate.getNotBefore()) || at.after(nodeSigningCertificate.getNotAfter())) {
            throw invalid("checkpoint time " + c.at() + " is outside the certificate's validity");
        }
        byte[] content = (byte[]) signed.getSignedContent().getContent();
        byte[] expected;
        try {
            expected = content(c.exportEnd(), c.node(), c.seq(), c.hash(), c.at());
        } catch (IllegalArgumentException e) {
            throw invalid("checkpoint fields cannot be encoded");
        }
        if (!Arrays.equals(content, expected)) {
            byte[] otherType = content(!c.exportEnd(), c.node(), c.seq(), c.hash(), c.at());
            throw invalid(Arrays.equals(content, otherType)
                    ? (c.exportEnd() ? "the signature is a checkpoint's, not an export end's" : "the signature is an export end's, not a checkpoint's")
                    : "the signed statement is not this checkpoint's node, seq, hash and time");
        }
        if (c.signer() != null && !c.signer().equals(Fingerprints.sha256(nodeSigningCertificate))) {
            throw invalid("names signing certificate " + c.signer() + ", not the one that signed it");
        }
    }

    /** The signed content: members always present, in this order. */
    static byte[] content(boolean exportEnd, String node, long seq, String hash, Instant at) {
        return new JsonText().string("type", exportEnd ? EXPORT_END_TYPE : TYPE).string("node", node).number("seq", seq).string("hash", hash)
                .string("at", JsonText.time(at)).utf8();
    }

    private static LiaisonException invalid(String detail) {
        return new LiaisonException(ErrorCode.AUDIT_CHECKPOINT_INVALID, detail);
    }
}
