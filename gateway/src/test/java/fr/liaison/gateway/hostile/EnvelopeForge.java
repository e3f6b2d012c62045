package fr.liaison.gateway.hostile;

import fr.liaison.routes.envelope.EnvelopeAttributes;
import fr.liaison.routes.keys.ParticipantKeys;
import fr.liaison.routes.keys.Providers;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.util.Arrays;

import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.DERSet;
import org.bouncycastle.asn1.cms.Attribute;
import org.bouncycastle.asn1.cms.AttributeTable;
import org.bouncycastle.asn1.cms.AuthEnvelopedData;
import org.bouncycastle.asn1.cms.CMSObjectIdentifiers;
import org.bouncycastle.asn1.cms.ContentInfo;
import org.bouncycastle.asn1.cms.EncryptedContentInfo;
import org.bouncycastle.asn1.cms.GCMParameters;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cms.CMSAlgorithm;
import org.bouncycastle.cms.CMSAuthEnvelopedDataGenerator;
import org.bouncycastle.cms.CMSEnvelopedDataGenerator;
import org.bouncycastle.cms.CMSProcessableByteArray;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.CMSSignedDataGenerator;
import org.bouncycastle.cms.DefaultSignedAttributeTableGenerator;
import org.bouncycastle.cms.SignerInformation;
import org.bouncycastle.cms.jcajce.JcaSignerInfoGeneratorBuilder;
import org.bouncycastle.cms.jcajce.JceCMSContentEncryptorBuilder;
import org.bouncycastle.cms.jcajce.JceKeyAgreeRecipientInfoGenerator;
import org.bouncycastle.asn1.cms.CMSAttributes;
import org.bouncycastle.operator.OutputAEADEncryptor;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;

/**
 * Envelopes as an attacker or a careless peer makes them, with Bouncy Castle's own generators so
 * that only the chosen part differs from what a node seals: other algorithms, other structures,
 * one bit changed at a named place.
 */
final class EnvelopeForge {

    /** How the inner SignedData departs from a node's. */
    enum SignedShape {
        NORMAL, DETACHED, TWO_SIGNERS, NO_SIGNED_ATTRIBUTES, NO_CERTIFICATE, PROOF_TWO_VALUES
    }

    private EnvelopeForge() {
    }

    static byte[] signedData(ParticipantKeys signer, byte[] content, String algorithm, byte[] consentProof, SignedShape shape,
            ParticipantKeys secondSigner) throws Exception {
        CMSSignedDataGenerator generator = new CMSSignedDataGenerator();
        JcaX509CertificateHolder certificate = new JcaX509CertificateHolder(signer.signingCertificate());
        generator.addSignerInfoGenerator(signerInfo(signer, algorithm, consentProof, shape));
        if (shape == SignedShape.TWO_SIGNERS) {
            generator.addSignerInfoGenerator(signerInfo(secondSigner, "SHA256withECDSA", consentProof, SignedShape.NORMAL));
            generator.addCertificate(new JcaX509CertificateHolder(secondSigner.signingCertificate()));
        }
        if (shape != SignedShape.NO_CERTIFICATE) {
            generator.addCertificate(certificate);
        }
        return generator.generate(new CMSProcessableByteArray(content), shape != SignedShape.DETACHED)
                .toASN1Structure().getEncoded(ASN1Encoding.DER);
    }

    private static org.bouncycastle.cms.SignerInfoGenerator signerInfo(ParticipantKeys signer, String algorithm, byte[] consentProof,
            SignedShape shape) throws Exception {
        JcaSignerInfoGeneratorBuilder builder = new JcaSignerInfoGeneratorBuilder(
                new JcaDigestCalculatorProviderBuilder().setProvider(Providers.bouncyCastle()).build());
        if (shape == SignedShape.NO_SIGNED_ATTRIBUTES) {
            builder.setDirectSignature(true);
        } else if (consentProof != null) {
            ASN1EncodableVector values = new ASN1EncodableVector();
            values.add(new DEROctetString(consentProof));
            if (shape == SignedShape.PROOF_TWO_VALUES) {
                values.add(new DEROctetString(consentProof));
            }
            ASN1EncodableVector attributes = new ASN1EncodableVector();
            attributes.add(new Attribute(EnvelopeAttributes.CONSENT_PROOF, new DERSet(values)));
            builder.setSignedAttributeGenerator(new DefaultSignedAttributeTableGenerator(new AttributeTable(attributes)));
        }
        return builder.build(new JcaContentSignerBuilder(algorithm).setProvider(Providers.bouncyCastle()).build(signer.signingKey()),
                new JcaX509CertificateHolder(signer.signingCertificate()));
    }

    /** AuthEnvelopedData as Bouncy Castle makes it, with the chosen algorithms. */
    static byte[] authEnveloped(byte[] inner, X509Certificate recipient, ASN1ObjectIdentifier contentAlgorithm,
            ASN1ObjectIdentifier keyAgreement, ASN1ObjectIdentifier keyWrap) throws Exception {
        CMSAuthEnvelopedDataGenerator generator = new CMSAuthEnvelopedDataGenerator();
        generator.addRecipientInfoGenerator(keyAgreement(recipient, keyAgreement, keyWrap));
        OutputAEADEncryptor encryptor = (OutputAEADEncryptor) new JceCMSContentEncryptorBuilder(contentAlgorithm)
                .setProvider(Providers.bouncyCastle()).build();
        return generator.generate(new CMSProcessableByteArray(inner), encryptor).getEncoded();
    }

    static byte[] authEnveloped(byte[] inner, X509Certificate recipient) throws Exception {
        return authEnveloped(inner, recipient, CMSAlgorithm.AES256_GCM, CMSAlgorithm.ECDH_SHA256KDF, CMSAlgorithm.AES256_WRAP);
    }

    /** EnvelopedData with AES-256-CBC: confidentiality without integrity. */
    static byte[] cbcEnveloped(byte[] inner, X509Certificate recipient) throws Exception {
        CMSEnvelopedDataGenerator generator = new CMSEnvelopedDataGenerator();
        generator.addRecipientInfoGenerator(keyAgreement(recipient, CMSAlgorithm.ECDH_SHA256KDF, CMSAlgorithm.AES256_WRAP));
        return generator.generate(new CMSProcessableByteArray(inner),
                new JceCMSContentEncryptorBuilder(CMSAlgorithm.AES256_CBC).setProvider(Providers.bouncyCastle()).build()).getEncoded();
    }

    private static JceKeyAgreeRecipientInfoGenerator keyAgreement(X509Certificate recipient, ASN1ObjectIdentifier scheme,
            ASN1ObjectIdentifier wrap) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC", Providers.bouncyCastle());
        generator.initialize(((ECPublicKey) recipient.getPublicKey()).getParams());
        KeyPair ephemeral = generator.generateKeyPair();
        return (JceKeyAgreeRecipientInfoGenerator) new JceKeyAgreeRecipientInfoGenerator(scheme, ephemeral.getPrivate(),
                ephemeral.getPublic(), wrap).setProvider(Providers.bouncyCastle()).addRecipient(recipient);
    }

    // --- Changes to a sealed envelope --------------------------------------------------------------

    /** The AuthEnvelopedData's fields, to locate or replace. */
    static AuthEnvelopedData authEnvelopedData(byte[] envelope) throws Exception {
        return AuthEnvelopedData.getInstance(ContentInfo.getInstance(ASN1Primitive.fromByteArray(envelope)).getContent());
    }

    /** The envelope with element {@code index} of its AuthEnvelopedData sequence replaced. */
    static byte[] replaceField(byte[] envelope, int index, org.bouncycastle.asn1.ASN1Encodable replacement) throws Exception {
        ContentInfo info = ContentInfo.getInstance(ASN1Primitive.fromByteArray(envelope));
        ASN1Sequence fields = ASN1Sequence.getInstance(info.getContent());
        ASN1EncodableVector changed = new ASN1EncodableVector();
        for (int i = 0; i < fields.size(); i++) {
            changed.add(i == index ? replacement : fields.getObjectAt(i));
        }
        return new ContentInfo(CMSObjectIdentifiers.authEnvelopedData, new DERSequence(changed)).getEncoded(ASN1Encoding.DER);
    }

    static byte[] withVersion(byte[] envelope, int version) throws Exception {
        return replaceField(envelope, 0, new ASN1Integer(version));
    }

    /** The GCM parameters changed: another nonce length or tag length. */
    static byte[] withGcmParameters(byte[] envelope, int nonceBytes, int tagBytes) throws Exception {
        EncryptedContentInfo encrypted = authEnvelopedData(envelope).getAuthEncryptedContentInfo();
        GCMParameters parameters = GCMParameters.getInstance(encrypted.getContentEncryptionAlgorithm().getParameters());
        byte[] nonce = Arrays.copyOf(parameters.getNonce(), nonceBytes);
        EncryptedContentInfo changed = new EncryptedContentInfo(encrypted.getContentType(),
                new AlgorithmIdentifier(encrypted.getContentEncryptionAlgorithm().getAlgorithm(), new GCMParameters(nonce, tagBytes)),
                encrypted.getEncryptedContent());
        ASN1Sequence fields = ASN1Sequence.getInstance(ContentInfo.getInstance(ASN1Primitive.fromByteArray(envelope)).getContent());
        for (int i = 0; i < fields.size(); i++) {
            if (fields.getObjectAt(i) instanceof ASN1Sequence s && s.equals(encrypted.toASN1Primitive())) {
                return replaceField(envelope, i, changed);
            }
        }
        throw new IllegalStateException("no authEncryptedContentInfo");
    }

    /** Flips one bit in the middle of {@code part}, found by its bytes in {@code whole}. */
    static byte[] flipWithin(byte[] whole, byte[] part) {
        int at = indexOf(whole, part);
        byte[] changed = whole.clone();
        changed[at + part.length / 2] ^= 0x01;
        return changed;
    }

    static byte[] nonceOf(byte[] envelope) throws Exception {
        return GCMParameters.getInstance(authEnvelopedData(envelope).getAuthEncryptedContentInfo().getContentEncryptionAlgorithm()
                .getParameters()).getNonce();
    }

    static byte[] ciphertextOf(byte[] envelope) throws Exception {
        return authEnvelopedData(envelope).getAuthEncryptedContentInfo().getEncryptedContent().getOctets();
    }

    static byte[] tagOf(byte[] envelope) throws Exception {
        return authEnvelopedData(envelope).getMac().getOctets();
    }

    static byte[] wrappedKeyOf(byte[] envelope) throws Exception {
        var info = org.bouncycastle.asn1.cms.RecipientInfo.getInstance(authEnvelopedData(envelope).getRecipientInfos().getObjectAt(0));
        var agreement = org.bouncycastle.asn1.cms.KeyAgreeRecipientInfo.getInstance(info.getInfo());
        return org.bouncycastle.asn1.cms.RecipientEncryptedKey.getInstance(agreement.getRecipientEncryptedKeys().getObjectAt(0))
                .getEncryptedKey().getOctets();
    }

    /**
     * The sender's ephemeral key replaced: {@code off-curve} (its last coordinate byte changed),
     * {@code infinity} (the point at infinity's one-byte encoding) or {@code compressed-garbage}
     * (a compressed encoding whose x has no point). The RecipientInfo is outside the GCM tag.
     */
    static byte[] withEphemeralKey(byte[] envelope, String kind) throws Exception {
        AuthEnvelopedData data = authEnvelopedData(envelope);
        var agreement = org.bouncycastle.asn1.cms.KeyAgreeRecipientInfo.getInstance(
                org.bouncycastle.asn1.cms.RecipientInfo.getInstance(data.getRecipientInfos().getObjectAt(0)).getInfo());
        var originator = agreement.getOriginator().getOriginatorKey();
        byte[] point = originator.getPublicKey().getOctets();
        byte[] forged = switch (kind) {
            case "off-curve" -> {
                byte[] changed = point.clone();
                changed[changed.length - 1] ^= 0x01;
                yield changed;
            }
            case "infinity" -> new byte[] {0x00};
            case "compressed-garbage" -> {
                byte[] changed = new byte[33];
                Arrays.fill(changed, (byte) 0xff);
                changed[0] = 0x02;
                yield changed;
            }
            default -> throw new IllegalArgumentException("unknown ephemeral key " + kind);
        };
        var changedInfo = new org.bouncycastle.asn1.cms.KeyAgreeRecipientInfo(new org.bouncycastle.asn1.cms.OriginatorIdentifierOrKey(
                new org.bouncycastle.asn1.cms.OriginatorPublicKey(originator.getAlgorithm(), forged)),
                agreement.getUserKeyingMaterial(), agreement.getKeyEncryptionAlgorithm(), agreement.getRecipientEncryptedKeys());
        return replaceField(envelope, 1, new DERSet(new org.bouncycastle.asn1.cms.RecipientInfo(changedInfo)));
    }

    // --- Changes to a SignedData before it is encrypted ---------------------------------------------

    static SignerInformation signerOf(byte[] signedData) throws Exception {
        return new CMSSignedData(signedData).getSignerInfos().getSigners().iterator().next();
    }

    static byte[] signatureOf(byte[] signedData) throws Exception {
        return signerOf(signedData).getSignature();
    }

    static byte[] messageDigestOf(byte[] signedData) throws Exception {
        Attribute digest = signerOf(signedData).getSignedAttributes().get(CMSAttributes.messageDigest);
        return ASN1OctetString.getInstance(digest.getAttrValues().getObjectAt(0)).getOctets();
    }

    /** The signing time's encoding with its last digit of seconds changed: still a valid time. */
    static byte[] withOtherSigningTime(byte[] signedData) throws Exception {
        Attribute time = signerOf(signedData).getSignedAttributes().get(CMSAttributes.signingTime);
        byte[] encoded = time.getAttrValues().getObjectAt(0).toASN1Primitive().getEncoded(ASN1Encoding.DER);
        int at = indexOf(signedData, encoded);
        byte[] changed = signedData.clone();
        int secondsDigit = at + encoded.length - 2; // ...SSZ
        changed[secondsDigit] = (byte) (changed[secondsDigit] == '9' ? '0' : changed[secondsDigit] + 1);
        return changed;
    }

    /** The same SignedData, signature untouched, its eContent a SEQUENCE around the OCTET STRING CMS requires. */
    static byte[] withContentAsSequence(byte[] signedData) throws Exception {
        org.bouncycastle.asn1.cms.SignedData signed = org.bouncycastle.asn1.cms.SignedData.getInstance(
                org.bouncycastle.asn1.cms.ContentInfo.getInstance(signedData).getContent());
        org.bouncycastle.asn1.cms.ContentInfo encapsulated = signed.getEncapContentInfo();
        org.bouncycastle.asn1.cms.ContentInfo rewrapped = new org.bouncycastle.asn1.cms.ContentInfo(encapsulated.getContentType(),
                new org.bouncycastle.asn1.DERSequence(encapsulated.getContent()));
        return new org.bouncycastle.asn1.cms.ContentInfo(org.bouncycastle.asn1.cms.CMSObjectIdentifiers.signedData,
                new org.bouncycastle.asn1.cms.SignedData(signed.getDigestAlgorithms(), rewrapped, signed.getCertificates(),
                        signed.getCRLs(), signed.getSignerInfos())).getEncoded(ASN1Encoding.DER);
    }

    static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new IllegalStateException("part not found");
    }
}
