package fr.liaison.routes.envelope;

import fr.liaison.routes.keys.ParticipantKeys;
import fr.liaison.routes.keys.Providers;
import fr.liaison.schemas.error.ErrorCode;
import fr.liaison.schemas.error.LiaisonException;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.MGF1ParameterSpec;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.Date;

import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;

import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSet;
import org.bouncycastle.asn1.cms.Attribute;
import org.bouncycastle.asn1.cms.AttributeTable;
import org.bouncycastle.asn1.cms.CMSAttributes;
import org.bouncycastle.asn1.cms.Time;
import org.bouncycastle.cms.DefaultSignedAttributeTableGenerator;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cms.CMSAlgorithm;
import org.bouncycastle.cms.CMSAuthEnvelopedDataGenerator;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSProcessableByteArray;
import org.bouncycastle.cms.CMSSignedDataGenerator;
import org.bouncycastle.cms.RecipientInfoGenerator;
import org.bouncycastle.cms.jcajce.JcaSignerInfoGeneratorBuilder;
import org.bouncycastle.cms.jcajce.JceKeyAgreeRecipientInfoGenerator;
import org.bouncycastle.cms.jcajce.JceKeyTransRecipientInfoGenerator;
import org.bouncycastle.operator.DigestCalculatorProvider;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaAlgorithmParametersConverter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;

/**
 * Seals content for one recipient: a CMS SignedData made with the sender's signing key (SHA-256,
 * attached content, signing time, the signer certificate included) inside a CMS AuthEnvelopedData
 * (RFC 5083, AES-256-GCM) whose content key is agreed by ephemeral-static ECDH P-256 (RFC 5753) or,
 * for an RSA recipient, transported with RSA-OAEP SHA-256. The same layering as
 * {@code openssl cms -sign | openssl cms -encrypt -aes-256-gcm}: the encrypted content is the
 * SignedData's ContentInfo. Thread-safe.
 */
public final class EnvelopeSealer {

    private final ParticipantKeys sender;
    private final JcaX509CertificateHolder senderCertificate;
    private final String signatureAlgorithm;
    private final DigestCalculatorProvider digests;
    private final SecureRandom random = new SecureRandom();
    private final Clock clock;

    public EnvelopeSealer(ParticipantKeys sender) {
        this(sender, Clock.systemUTC());
    }

    /** A sealer whose signing time comes from {@code clock}: the node's clock, as its freshness checks use. */
    public EnvelopeSealer(ParticipantKeys sender, Clock clock) {
        this.sender = sender;
        this.clock = clock;
        try {
            this.senderCertificate = new JcaX509CertificateHolder(sender.signingCertificate());
            this.digests = new JcaDigestCalculatorProviderBuilder().setProvider(Providers.bouncyCastle()).build();
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new LiaisonException(ErrorCode.KEYS_UNAVAILABLE, "signing certificate of " + sender.participantId(), e);
        }
        this.signatureAlgorithm = "EC".equals(sender.signingKey().getAlgorithm()) || "ECDSA".equals(sender.signingKey().getAlgorithm())
                ? "SHA256withECDSA" : "SHA256withRSA";
    }

    public String senderId() {
        return sender.participantId();
    }

    /** Signs then encrypts {@code content} for the holder of {@code recipientEncryptionCertificate}. */
    public byte[] seal(byte[] content, X509Certificate recipientEncryptionCertificate) {
        return seal(content, recipientEncryptionCertificate, null);
    }

    /**
     * As {@link #seal(byte[], X509Certificate)}, the consent proof (a SignedData made by the
     * institution that recorded the consent) riding along as a signed attribute, so the sender's
     * signature binds it to the message.
     */
    public byte[] seal(byte[] content, X509Certificate recipientEncryptionCertificate, byte[] consentProof) {
        try {
            return encrypt(sign(content, consentProof), recipientEncryptionCertificate);
        } catch (CMSException | IOException | GeneralSecurityException | OperatorCreationException e) {
            throw new LiaisonException(ErrorCode.ENVELOPE_SEAL_FAILED, e.getClass().getSimpleName(), e);
        }
    }

    /** The outer layer alone: {@code inner} encrypted for the recipient as {@link #seal} does. */
    byte[] encrypt(byte[] inner, X509Certificate recipientEncryptionCertificate)
            throws CMSException, IOException, GeneralSecurityException {
        CMSAuthEnvelopedDataGenerator generator = new CMSAuthEnvelopedDataGenerator();
        generator.addRecipientInfoGenerator(recipientInfo(recipientEncryptionCertificate));
        return generator.generate(new CMSProcessableByteArray(inner), new JdkGcmEncryptor(random))
                .toASN1Structure().getEncoded(ASN1Encoding.DER);
    }

    /** The inner layer alone: a DER ContentInfo holding SignedData with attached content. */
    byte[] sign(byte[] content) throws OperatorCreationException, CMSException, IOException {
        return sign(content, null);
    }

    private byte[] sign(byte[] content, byte[] consentProof) throws OperatorCreationException, CMSException, IOException {
        CMSSignedDataGenerator generator = new CMSSignedDataGenerator();
        JcaSignerInfoGeneratorBuilder builder = new JcaSignerInfoGeneratorBuilder(digests);
        ASN1EncodableVector attributes = new ASN1EncodableVector();
        // Whole seconds: the signing time is a UTCTime, and the receiver's replay window is read from it.
        attributes.add(new Attribute(CMSAttributes.signingTime,
                new DERSet(new Time(Date.from(clock.instant().truncatedTo(ChronoUnit.SECONDS))))));
        if (consentProof != null) {
            attributes.add(new Attribute(EnvelopeAttributes.CONSENT_PROOF, new DERSet(new DEROctetString(consentProof))));
        }
        builder.setSignedAttributeGenerator(new DefaultSignedAttributeTableGenerator(new AttributeTable(attributes)));
        generator.addSignerInfoGenerator(builder.build(
                new JcaContentSignerBuilder(signatureAlgorithm).setProvider(Providers.bouncyCastle())
                        .setSecureRandom(random).build(sender.signingKey()),
                senderCertificate));
        generator.addCertificate(senderCertificate);
        return generator.generate(new CMSProcessableByteArray(content), true).toASN1Structure().getEncoded(ASN1Encoding.DER);
    }

    static ASN1ObjectIdentifier curveOf(ECPublicKey key) {
        ASN1Encodable parameters = SubjectPublicKeyInfo.getInstance(key.getEncoded()).getAlgorithm().getParameters();
        if (!(parameters instanceof ASN1ObjectIdentifier curve)) {
            throw new LiaisonException(ErrorCode.ENVELOPE_ALGORITHM_REFUSED, "EC key without a named curve");
        }
        return curve;
    }

    private RecipientInfoGenerator recipientInfo(X509Certificate recipient) throws GeneralSecurityException {
        PublicKey key = recipient.getPublicKey();
        if (key instanceof ECPublicKey ec) {
            // Named curve, not the certificate's parameters spelled out: RFC 5753 originator keys
            // carry no explicit parameters.
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC", Providers.bouncyCastle());
            generator.initialize(new ECGenParameterSpec(curveOf(ec).getId()), random);
            KeyPair ephemeral = generator.generateKeyPair();
            return new JceKeyAgreeRecipientInfoGenerator(CMSAlgorithm.ECDH_SHA256KDF, ephemeral.getPrivate(),
                    ephemeral.getPublic(), CMSAlgorithm.AES256_WRAP)
                    .setProvider(Providers.bouncyCastle())
                    .setSecureRandom(random)
                    .addRecipient(recipient);
        }
        if (key instanceof RSAPublicKey) {
            var oaep = new JcaAlgorithmParametersConverter().getAlgorithmIdentifier(PKCSObjectIdentifiers.id_RSAES_OAEP,
                    new OAEPParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, PSource.PSpecified.DEFAULT));
            return new JceKeyTransRecipientInfoGenerator(recipient, oaep).setProvider(Providers.bouncyCastle());
        }
        throw new LiaisonException(ErrorCode.ENVELOPE_ALGORITHM_REFUSED, "recipient key type " + key.getAlgorithm());
    }
}
