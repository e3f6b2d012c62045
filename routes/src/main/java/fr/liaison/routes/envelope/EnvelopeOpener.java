package fr.liaison.routes.envelope;

import fr.liaison.routes.directory.Directory;
import fr.liaison.routes.directory.Participant;
import fr.liaison.routes.keys.ParticipantKeys;
import fr.liaison.routes.keys.Providers;
import fr.liaison.routes.keys.SignerVerifiers;
import fr.liaison.schemas.error.ErrorCode;
import fr.liaison.schemas.error.LiaisonException;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Collection;
import java.util.function.Supplier;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.cms.Attribute;
import org.bouncycastle.asn1.cms.AuthEnvelopedData;
import org.bouncycastle.asn1.cms.CMSAttributes;
import org.bouncycastle.asn1.cms.CMSObjectIdentifiers;
import org.bouncycastle.asn1.cms.ContentInfo;
import org.bouncycastle.asn1.cms.EncryptedContentInfo;
import org.bouncycastle.asn1.cms.GCMParameters;
import org.bouncycastle.asn1.cms.KeyAgreeRecipientInfo;
import org.bouncycastle.asn1.cms.KeyTransRecipientInfo;
import org.bouncycastle.asn1.cms.OriginatorPublicKey;
import org.bouncycastle.asn1.cms.RecipientInfo;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.asn1.x9.ECNamedCurveTable;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.cms.Time;
import org.bouncycastle.asn1.pkcs.RSAESOAEPparams;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cms.CMSAuthEnvelopedData;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.KeyAgreeRecipientInformation;
import org.bouncycastle.cms.KeyTransRecipientInformation;
import org.bouncycastle.cms.RecipientInformation;
import org.bouncycastle.cms.RecipientOperator;
import org.bouncycastle.cms.RecipientId;
import org.bouncycastle.cms.KeyAgreeRecipientId;
import org.bouncycastle.cms.KeyTransRecipientId;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cms.SignerInformation;
import org.bouncycastle.cms.jcajce.JceKeyAgreeRecipient;
import org.bouncycastle.cms.jcajce.JceKeyTransRecipient;
import org.bouncycastle.operator.InputAEADDecryptor;
import org.bouncycastle.operator.OperatorCreationException;

/**
 * Opens an envelope made by {@link EnvelopeSealer} (or by OpenSSL's {@code cms -sign} then
 * {@code cms -encrypt -aes-256-gcm}): checks every algorithm against the policy, unwraps the
 * content key with this participant's encryption key (or, around a key rollover, the key of
 * another generation it keeps), decrypts with the JDK's AES-GCM, verifies
 * the signature, and checks that the signer certificate chains to the network CA, is valid now,
 * is not revoked and is the directory's signing certificate of a participant. Refuses anything
 * else with a catalogued code. Thread-safe.
 */
public final class EnvelopeOpener {

    /** Default ceiling on an envelope's size, before any parsing. */
    public static final int DEFAULT_MAX_BYTES = 16 * 1024 * 1024;

    /**
     * The signed attributes a sender may put: RFC 5652's three, the consent proof, and what common
     * toolkits add by themselves (OpenSSL's S/MIME capabilities, RFC 6211's algorithm protection,
     * ESS's signing certificate v2). Anything else is refused rather than ignored.
     */
    private static final java.util.Set<ASN1ObjectIdentifier> SIGNED_ATTRIBUTES = java.util.Set.of(CMSAttributes.contentType,
            CMSAttributes.messageDigest, CMSAttributes.signingTime, CMSAttributes.cmsAlgorithmProtect,
            org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers.pkcs_9_at_smimeCapabilities,
            org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers.id_aa_signingCertificateV2, EnvelopeAttributes.CONSENT_PROOF);

    private final ParticipantKeys recipient;
    /** The encryption certificates it holds keys for (current first, then other generations), with their keys. */
    private final java.util.List<Decryption> decryptions;
    private final Supplier<Directory> directory;
    private final int maxBytes;
    private final java.util.Set<ASN1Encodable> recipientCurves;

    private record Decryption(X509CertificateHolder certificate, PrivateKey key) {
    }

    /**
     * @param directory supplies the current verified directory on each call, so a refreshed
     *     directory applies without rebuilding the opener
     */
    public EnvelopeOpener(ParticipantKeys recipient, Supplier<Directory> directory, int maxBytes) {
        this.recipient = recipient;
        this.directory = directory;
        this.maxBytes = maxBytes;
        try {
            java.util.List<Decryption> all = new java.util.ArrayList<>();
            java.util.Set<ASN1Encodable> curves = new java.util.LinkedHashSet<>();
            for (ParticipantKeys.DecryptionKey key : recipient.decryptionKeys()) {
                X509CertificateHolder holder = new X509CertificateHolder(key.certificate().getEncoded());
                all.add(new Decryption(holder, key.key()));
                ASN1Encodable curve = holder.getSubjectPublicKeyInfo().getAlgorithm().getParameters();
                if (curve != null) {
                    curves.add(curve);
                }
            }
            this.decryptions = java.util.List.copyOf(all);
            this.recipientCurves = java.util.Set.copyOf(curves);
        } catch (GeneralSecurityException | IOException e) {
            throw new LiaisonException(ErrorCode.KEYS_UNAVAILABLE, "encryption certificate of " + recipient.participantId(), e);
        }
    }

    public EnvelopeOpener(ParticipantKeys recipient, Directory directory) {
        this(recipient, () -> directory, DEFAULT_MAX_BYTES);
    }

    /** Opens the envelope and checks that its signer is {@code claimedSenderId}. */
    public OpenedEnvelope open(byte[] envelope, String claimedSenderId) {
        OpenedEnvelope opened = open(envelope);
        if (!opened.sender().id().equals(claimedSenderId)) {
            throw new LiaisonException(ErrorCode.SIGNER_NOT_SENDER,
                    "signed by " + opened.sender().id() + ", claimed sender " + claimedSenderId);
        }
        return opened;
    }

    public OpenedEnvelope open(byte[] envelope) {
        if (envelope.length > maxBytes) {
            throw new LiaisonException(ErrorCode.ENVELOPE_TOO_LARGE, envelope.length + " bytes, limit " + maxBytes);
        }
        ContentInfo outer = contentInfo(envelope);
        byte[] signed = decrypt(outer);
        return verify(signed);
    }

    private static ContentInfo contentInfo(byte[] envelope) {
        ContentInfo info;
        try {
            info = ContentInfo.getInstance(ASN1Primitive.fromByteArray(envelope));
        } catch (IOException | RuntimeException e) {
            throw new LiaisonException(ErrorCode.ENVELOPE_MALFORMED, "not a DER/BER CMS ContentInfo");
        }
        if (info == null) {
            throw new LiaisonException(ErrorCode.ENVELOPE_MALFORMED, "empty");
        }
        ASN1ObjectIdentifier type = info.getContentType();
        if (CMSObjectIdentifiers.envelopedData.equals(type)) {
            throw new LiaisonException(ErrorCode.ENVELOPE_ALGORITHM_REFUSED,
                    "EnvelopedData has no integrity protection; AuthEnvelopedData is required");
        }
        if (!CMSObjectIdentifiers.authEnvelopedData.equals(type)) {
            throw new LiaisonException(ErrorCode.ENVELOPE_MALFORMED, "content type " + type.getId() + " is not AuthEnvelopedData");
        }
        return info;
    }

    private byte[] decrypt(ContentInfo outer) {
        AuthEnvelopedData data;
        EncryptedContentInfo encrypted;
        byte[] ciphertext;
        byte[] mac;
        byte[] aad;
        try {
            data = AuthEnvelopedData.getInstance(outer.getContent());
            encrypted = data.getAuthEncryptedContentInfo();
            ASN1OctetString content = encrypted.getEncryptedContent();
            if (content == null || data.getMac() == null) {
                throw new LiaisonException(ErrorCode.ENVELOPE_MALFORMED, "no encrypted content or no MAC");
            }
            checkStructure(data);
            ciphertext = content.getOctets();
            mac = data.getMac().getOctets();
            // RFC 5083: the AAD is the DER encoding of the authenticated attributes as a SET OF.
            aad = data.getAuthAttrs() == null ? null : data.getAuthAttrs().getEncoded(ASN1Encoding.DER);
        } catch (LiaisonException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new LiaisonException(ErrorCode.ENVELOPE_MALFORMED, "unreadable AuthEnvelopedData");
        }
        ASN1ObjectIdentifier innerType = encrypted.getContentType();
        if (!CMSObjectIdentifiers.data.equals(innerType) && !CMSObjectIdentifiers.signedData.equals(innerType)) {
            throw new LiaisonException(ErrorCode.ENVELOPE_MALFORMED, "encrypted content type " + innerType.getId());
        }
        AlgorithmIdentifier contentAlgorithm = encrypted.getContentEncryptionAlgorithm();
        byte[] nonce = gcmNonce(contentAlgorithm);
        if (mac.length != AlgorithmPolicy.GCM_TAG_BYTES) {
            throw new LiaisonException(ErrorCode.ENVELOPE_ALGORITHM_REFUSED, "GCM tag of " + mac.length + " bytes");
        }
        SecretKey key = contentKey(outer, contentAlgorithm);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(AlgorithmPolicy.GCM_TAG_BYTES * 8, nonce));
            if (aad != null) {
                cipher.updateAAD(aad);
            }
            byte[] plain = new byte[cipher.getOutputSize(ciphertext.length + mac.length)];
            int n = cipher.update(ciphertext, 0, ciphertext.length, plain, 0);
            n += cipher.doFinal(mac, 0, mac.length, plain, n);
            return n == plain.length ? plain : java.util.Arrays.copyOf(plain, n);
        } catch (AEADBadTagException e) {
            throw new LiaisonException(ErrorCode.ENVELOPE_DECRYPTION_FAILED, "GCM tag mismatch");
        } catch (GeneralSecurityException e) {
            throw new LiaisonException(ErrorCode.ENVELOPE_DECRYPTION_FAILED, e.getClass().getSimpleName());
        }
    }

    /**
     * Fields that take no part in decryption are still checked, so that no byte of an envelope can
     * change unnoticed: the versions RFC 5083 and RFC 5652 fix, and the originator key's algorithm and point.
     */
    private void checkStructure(AuthEnvelopedData data) {
        if (data.getVersion().intValueExact() != 0) {
            throw new LiaisonException(ErrorCode.ENVELOPE_MALFORMED, "AuthEnvelopedData version must be 0");
        }
        if (data.getOriginatorInfo() != null || data.getUnauthAttrs() != null) {
            throw new LiaisonException(ErrorCode.ENVELOPE_MALFORMED, "unexpected originator info or unauthenticated attributes");
        }
        // A message goes to one node: an envelope also readable by others would carry the person's
        // data beyond what the consent covers, and its other keys would escape the algorithm checks.
        if (data.getRecipientInfos().size() != 1) {
            throw new LiaisonException(ErrorCode.ENVELOPE_MALFORMED,
                    data.getRecipientInfos().size() + " RecipientInfos: exactly one, for this node, is accepted");
        }
        for (ASN1Encodable element : data.getRecipientInfos()) {
            ASN1Encodable info = RecipientInfo.getInstance(element).getInfo();
            if (info instanceof KeyAgreeRecipientInfo agreement) {
                if (agreement.getVersion().intValueExact() != 3) {
                    throw new LiaisonException(ErrorCode.ENVELOPE_MALFORMED, "KeyAgreeRecipientInfo version must be 3");
                }
                if (agreement.getRecipientEncryptedKeys().size() != 1) {
                    throw new LiaisonException(ErrorCode.ENVELOPE_MALFORMED,
                            agreement.getRecipientEncryptedKeys().size() + " recipient keys: exactly one, for this node, is accepted");
                }
                OriginatorPublicKey originator = agreement.getOriginator().getOriginatorKey();
                if (originator == null) {
                    throw new LiaisonException(ErrorCode.ENVELOPE_ALGORITHM_REFUSED, "key agreement needs an ephemeral originator key");
                }
                if (originator.getPublicKey().getPadBits() != 0) {
                    throw new LiaisonException(ErrorCode.ENVELOPE_MALFORMED, "originator key with unused bits");
                }
                AlgorithmIdentifier algorithm = originator.getAlgorithm();
                ASN1Encodable parameters = algorithm.getParameters();
                if (!X9ObjectIdentifiers.id_ecPublicKey.equals(algorithm.getAlgorithm()) || !onRecipientCurve(parameters)) {
                    throw new LiaisonException(ErrorCode.ENVELOPE_ALGORITHM_REFUSED, "originator key must be EC on the recipient's curve");
                }
                if (!aPointOfTheCurve(parameters, originator.getPublicKey().getOctets())) {
                    throw new LiaisonException(ErrorCode.ENVELOPE_MALFORMED, "originator key is not a point of the recipient's curve");
                }
            } else if (info instanceof KeyTransRecipientInfo transport) {
                int expected = transport.getRecipientIdentifier().getId() instanceof ASN1OctetString ? 2 : 0;
                if (transport.getVersion().intValueExact() != expected) {
                    throw new LiaisonException(ErrorCode.ENVELOPE_MALFORMED, "KeyTransRecipientInfo version must be " + expected);
                }
            }
        }
    }

    /** Absent, NULL, the named curve of one of the recipient's keys, or that curve's parameters spelled out. */
    private boolean onRecipientCurve(ASN1Encodable parameters) {
        if (parameters == null || DERNull.INSTANCE.equals(parameters) || recipientCurves.contains(parameters)) {
            return true;
        }
        for (ASN1Encodable recipientCurve : recipientCurves) {
            if (parameters instanceof ASN1Sequence && recipientCurve instanceof ASN1ObjectIdentifier named) {
                X9ECParameters explicit = X9ECParameters.getInstance(parameters);
                X9ECParameters expected = ECNamedCurveTable.getByOID(named);
                if (expected != null && expected.getCurve().equals(explicit.getCurve()) && expected.getG().equals(explicit.getG())
                        && expected.getN().equals(explicit.getN())) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Whether the sender's ephemeral key is a point of the curve other than the point at infinity,
     * checked here whatever the provider doing the agreement checks: a point off the curve, chosen
     * by an attacker, would otherwise be multiplied by this node's private key (the invalid-curve
     * attack, which recovers that key from the results).
     */
    private boolean aPointOfTheCurve(ASN1Encodable parameters, byte[] encoded) {
        java.util.List<ASN1Encodable> candidates = parameters instanceof ASN1ObjectIdentifier
                ? java.util.List.of(parameters) : java.util.List.copyOf(recipientCurves);
        for (ASN1Encodable curve : candidates) {
            try {
                X9ECParameters domain = curve instanceof ASN1ObjectIdentifier oid ? ECNamedCurveTable.getByOID(oid)
                        : X9ECParameters.getInstance(curve);
                if (domain == null) {
                    continue;
                }
                org.bouncycastle.math.ec.ECPoint point = domain.getCurve().decodePoint(encoded);
                if (!point.isInfinity() && point.isValid()) {
                    return true;
                }
            } catch (RuntimeException notAPoint) {
                // an encoding of the wrong length or kind, coordinates off the curve, or unreadable parameters
            }
        }
        return false;
    }

    private static byte[] gcmNonce(AlgorithmIdentifier contentAlgorithm) {
        if (!AlgorithmPolicy.CONTENT_ENCRYPTION.equals(contentAlgorithm.getAlgorithm())) {
            throw new LiaisonException(ErrorCode.ENVELOPE_ALGORITHM_REFUSED,
                    "content encryption " + contentAlgorithm.getAlgorithm().getId() + " (AES-256-GCM required)");
        }
        GCMParameters params;
        try {
            params = GCMParameters.getInstance(contentAlgorithm.getParameters());
        } catch (RuntimeException e) {
            throw new LiaisonException(ErrorCode.ENVELOPE_MALFORMED, "unreadable GCM parameters");
        }
        if (params == null || params.getNonce().length != AlgorithmPolicy.GCM_NONCE_BYTES
                || params.getIcvLen() != AlgorithmPolicy.GCM_TAG_BYTES) {
            throw new LiaisonException(ErrorCode.ENVELOPE_ALGORITHM_REFUSED, "GCM nonce must be 12 bytes and tag 16 bytes");
        }
        return params.getNonce();
    }

    /** Finds the RecipientInfo addressed to this participant's certificate and unwraps the content key. */
    private SecretKey contentKey(ContentInfo outer, AlgorithmIdentifier contentAlgorithm) {
        Collection<RecipientInformation> recipients;
        try {
            recipients = new CMSAuthEnvelopedData(outer).getRecipientInfos().getRecipients();
        } catch (CMSException | RuntimeException e) {
            throw new LiaisonException(ErrorCode.ENVELOPE_MALFORMED, "unreadable RecipientInfos");
        }
        for (RecipientInformation info : recipients) {
            Decryption decryption = addressedToUs(info.getRID());
            if (decryption == null) {
                continue;
            }
            try {
                checkKeyEncryption(info);
            } catch (IllegalArgumentException | IllegalStateException e) {
                throw new LiaisonException(ErrorCode.ENVELOPE_MALFORMED, "unreadable key encryption algorithm");
            }
            KeyCapture capture = new KeyCapture(contentAlgorithm);
            try {
                info.getContentStream(info instanceof KeyAgreeRecipientInformation
                        ? new CapturingKeyAgreeRecipient(decryption.key(), capture)
                        : new CapturingKeyTransRecipient(decryption.key(), capture));
            } catch (CMSException | IOException | RuntimeException e) {
                throw new LiaisonException(ErrorCode.ENVELOPE_DECRYPTION_FAILED, "content key cannot be unwrapped");
            }
            byte[] raw = capture.key.getEncoded();
            if (raw == null || raw.length != 32) {
                throw new LiaisonException(ErrorCode.ENVELOPE_ALGORITHM_REFUSED, "content key is not 256 bits");
            }
            return new SecretKeySpec(raw, "AES");
        }
        throw new LiaisonException(ErrorCode.ENVELOPE_NOT_FOR_RECIPIENT,
                "no RecipientInfo for an encryption certificate of " + recipient.participantId());
    }

    /**
     * Byte-exact, unlike {@code RecipientId.match}, which compares names semantically: a recipient
     * identifier whose issuer was re-encoded is an altered envelope.
     *
     * @return the key of the encryption certificate it names, null if it names none of ours
     */
    private Decryption addressedToUs(RecipientId id) {
        X500Name issuer;
        java.math.BigInteger serial;
        byte[] keyId;
        if (id instanceof KeyAgreeRecipientId agree) {
            issuer = agree.getIssuer();
            serial = agree.getSerialNumber();
            keyId = agree.getSubjectKeyIdentifier();
        } else if (id instanceof KeyTransRecipientId transport) {
            issuer = transport.getIssuer();
            serial = transport.getSerialNumber();
            keyId = transport.getSubjectKeyIdentifier();
        } else {
            return null;
        }
        for (Decryption decryption : decryptions) {
            if (names(decryption.certificate(), issuer, serial, keyId)) {
                return decryption;
            }
        }
        return null;
    }

    private static boolean names(X509CertificateHolder recipientCertificate, X500Name issuer, java.math.BigInteger serial,
            byte[] keyId) {
        try {
            if (keyId != null) {
                var extension = recipientCertificate.getExtension(org.bouncycastle.asn1.x509.Extension.subjectKeyIdentifier);
                return extension != null && java.util.Arrays.equals(keyId,
                        ASN1OctetString.getInstance(extension.getParsedValue()).getOctets());
            }
            return issuer != null && serial != null && serial.equals(recipientCertificate.getSerialNumber())
                    && java.util.Arrays.equals(issuer.getEncoded(), recipientCertificate.getIssuer().getEncoded());
        } catch (IOException e) {
            return false;
        }
    }

    private static void checkKeyEncryption(RecipientInformation info) {
        AlgorithmIdentifier algorithm = info.getKeyEncryptionAlgorithm();
        ASN1ObjectIdentifier oid = algorithm.getAlgorithm();
        if (info instanceof KeyAgreeRecipientInformation) {
            if (!AlgorithmPolicy.KEY_AGREEMENT.contains(oid)) {
                throw new LiaisonException(ErrorCode.ENVELOPE_ALGORITHM_REFUSED, "key agreement " + oid.getId());
            }
            AlgorithmIdentifier wrap = AlgorithmIdentifier.getInstance(algorithm.getParameters());
            if (wrap == null || !AlgorithmPolicy.KEY_WRAP.equals(wrap.getAlgorithm())) {
                throw new LiaisonException(ErrorCode.ENVELOPE_ALGORITHM_REFUSED, "key wrap must be AES-256 key wrap");
            }
        } else if (info instanceof KeyTransRecipientInformation) {
            if (!AlgorithmPolicy.KEY_TRANSPORT.equals(oid)) {
                throw new LiaisonException(ErrorCode.ENVELOPE_ALGORITHM_REFUSED, "key transport " + oid.getId() + " (RSA-OAEP required)");
            }
            RSAESOAEPparams params = RSAESOAEPparams.getInstance(algorithm.getParameters());
            if (params == null || !AlgorithmPolicy.DIGESTS.contains(params.getHashAlgorithm().getAlgorithm())) {
                throw new LiaisonException(ErrorCode.ENVELOPE_ALGORITHM_REFUSED, "RSA-OAEP must use SHA-256 or stronger");
            }
        } else {
            throw new LiaisonException(ErrorCode.ENVELOPE_ALGORITHM_REFUSED, "recipient info type " + info.getClass().getSimpleName());
        }
    }

    private OpenedEnvelope verify(byte[] signedBytes) {
        CMSSignedData signed;
        SignerInformation signer;
        X509Certificate certificate;
        try {
            signed = new CMSSignedData(signedBytes);
            if (signed.getSignedContent() == null) {
                throw new LiaisonException(ErrorCode.SIGNATURE_MALFORMED, "detached signature: content required");
            }
            if (!(signed.getSignedContent().getContent() instanceof byte[])) {
                // eContent is an OCTET STRING (RFC 5652, 5.2); anything else would be read as no content.
                throw new LiaisonException(ErrorCode.SIGNATURE_MALFORMED, "the signed content is not an OCTET STRING");
            }
            if (signed.getSignerInfos().size() != 1) {
                throw new LiaisonException(ErrorCode.SIGNATURE_MALFORMED, signed.getSignerInfos().size() + " signers, one required");
            }
            signer = signed.getSignerInfos().getSigners().iterator().next();
            if (signer.getSignedAttributes() == null) {
                throw new LiaisonException(ErrorCode.SIGNATURE_MALFORMED, "signed attributes required");
            }
            if (!CMSObjectIdentifiers.data.getId().equals(signed.getSignedContentTypeOID())) {
                throw new LiaisonException(ErrorCode.SIGNATURE_MALFORMED, "signed content type must be id-data");
            }
            if (signer.getUnsignedAttributes() != null) {
                throw new LiaisonException(ErrorCode.SIGNATURE_MALFORMED, "unsigned attributes are not accepted");
            }
            for (Attribute each : signer.getSignedAttributes().toASN1Structure().getAttributes()) {
                ASN1ObjectIdentifier type = each.getAttrType();
                if (!SIGNED_ATTRIBUTES.contains(type)) {
                    throw new LiaisonException(ErrorCode.SIGNATURE_MALFORMED, "signed attribute " + type.getId() + " is not accepted");
                }
            }
            @SuppressWarnings("unchecked")
            Collection<X509CertificateHolder> matches = signed.getCertificates().getMatches(signer.getSID());
            if (matches.size() != 1) {
                throw new LiaisonException(ErrorCode.SIGNATURE_MALFORMED, "signer certificate must be included once");
            }
            certificate = new JcaX509CertificateConverter().getCertificate(matches.iterator().next());
        } catch (LiaisonException e) {
            throw e;
        } catch (CMSException | GeneralSecurityException | RuntimeException e) {
            throw new LiaisonException(ErrorCode.SIGNATURE_MALFORMED, "unreadable SignedData");
        }
        if (!AlgorithmPolicy.DIGESTS.contains(new ASN1ObjectIdentifier(signer.getDigestAlgOID()))) {
            throw new LiaisonException(ErrorCode.SIGNATURE_ALGORITHM_REFUSED, "digest " + signer.getDigestAlgOID() + " (SHA-256 or stronger required)");
        }
        if (!AlgorithmPolicy.SIGNATURES.contains(new ASN1ObjectIdentifier(signer.getEncryptionAlgOID()))) {
            throw new LiaisonException(ErrorCode.SIGNATURE_ALGORITHM_REFUSED, "signature algorithm " + signer.getEncryptionAlgOID());
        }
        // Trust first: an expired or revoked signer is reported as such, not as a bad signature.
        Directory current = directory.get();
        current.trust().check(certificate);
        Participant sender = current.bySigningCertificate(certificate).orElseThrow(() -> new LiaisonException(
                ErrorCode.SIGNER_NOT_IN_DIRECTORY, certificate.getSubjectX500Principal().getName()));
        boolean valid;
        try {
            valid = signer.verify(SignerVerifiers.forCertificate(certificate));
        } catch (CMSException | OperatorCreationException | RuntimeException e) {
            valid = false;
        }
        if (!valid) {
            throw new LiaisonException(ErrorCode.SIGNATURE_INVALID, "signature of " + sender.id());
        }
        byte[] content = (byte[]) signed.getSignedContent().getContent();
        return new OpenedEnvelope(content, sender, certificate, signingTime(signer), consentProof(signer));
    }

    private static byte[] consentProof(SignerInformation signer) {
        Attribute attribute = signer.getSignedAttributes().get(EnvelopeAttributes.CONSENT_PROOF);
        if (attribute == null) {
            return null;
        }
        try {
            if (attribute.getAttrValues().size() != 1) {
                throw new IllegalArgumentException("one value expected");
            }
            return ASN1OctetString.getInstance(attribute.getAttrValues().getObjectAt(0)).getOctets();
        } catch (RuntimeException e) {
            throw new LiaisonException(ErrorCode.SIGNATURE_MALFORMED, "unreadable consent proof attribute");
        }
    }

    private static Instant signingTime(SignerInformation signer) {
        Attribute attribute = signer.getSignedAttributes().get(CMSAttributes.signingTime);
        if (attribute == null || attribute.getAttrValues().size() != 1) {
            return null;
        }
        ASN1Encodable value = attribute.getAttrValues().getObjectAt(0);
        Instant at;
        try {
            at = Time.getInstance(value).getDate().toInstant();
        } catch (RuntimeException e) {
            throw new LiaisonException(ErrorCode.SIGNATURE_MALFORMED, "unreadable signing time");
        }
        // RFC 5652 11.3: a date from 1950 to 2049 MUST be a UTCTime; the same instant written otherwise is another encoding.
        int year = at.atZone(java.time.ZoneOffset.UTC).getYear();
        if (year >= 1950 && year <= 2049 && !(value.toASN1Primitive() instanceof org.bouncycastle.asn1.ASN1UTCTime)) {
            throw new LiaisonException(ErrorCode.SIGNATURE_MALFORMED, "signing time before 2050 must be a UTCTime");
        }
        return at;
    }

    /** Holds the content key that BC's recipient machinery unwrapped; decryption is ours. */
    private static final class KeyCapture implements InputAEADDecryptor {
        private final AlgorithmIdentifier algorithm;
        private Key key;

        KeyCapture(AlgorithmIdentifier algorithm) {
            this.algorithm = algorithm;
        }

        RecipientOperator operator(Key unwrapped) {
            this.key = unwrapped;
            return new RecipientOperator(this);
        }

        @Override
        public AlgorithmIdentifier getAlgorithmIdentifier() {
            return algorithm;
        }

        @Override
        public InputStream getInputStream(InputStream encIn) {
            return encIn;
        }

        @Override
        public OutputStream getAADStream() {
            return OutputStream.nullOutputStream();
        }

        @Override
        public byte[] getMAC() {
            return new byte[0];
        }
    }

    private static final class CapturingKeyAgreeRecipient extends JceKeyAgreeRecipient {
        private final KeyCapture capture;

        CapturingKeyAgreeRecipient(PrivateKey key, KeyCapture capture) {
            super(key);
            this.capture = capture;
            setProvider(Providers.bouncyCastle());
        }

        @Override
        public RecipientOperator getRecipientOperator(AlgorithmIdentifier keyEncryptionAlgorithm,
                AlgorithmIdentifier contentEncryptionAlgorithm, SubjectPublicKeyInfo senderPublicKey,
                ASN1OctetString userKeyingMaterial, byte[] encryptedContentKey) throws CMSException {
            return capture.operator(extractSecretKey(keyEncryptionAlgorithm, contentEncryptionAlgorithm, senderPublicKey,
                    userKeyingMaterial, encryptedContentKey));
        }
    }

    private static final class CapturingKeyTransRecipient extends JceKeyTransRecipient {
        private final KeyCapture capture;

        CapturingKeyTransRecipient(PrivateKey key, KeyCapture capture) {
            super(key);
            this.capture = capture;
            setProvider(Providers.bouncyCastle());
        }

        @Override
        public RecipientOperator getRecipientOperator(AlgorithmIdentifier keyEncryptionAlgorithm,
                AlgorithmIdentifier contentEncryptionAlgorithm, byte[] encryptedContentKey) throws CMSException {
            return capture.operator(extractSecretKey(keyEncryptionAlgorithm, contentEncryptionAlgorithm, encryptedContentKey));
        }
    }
}
