package fr.liaison.routes.envelope;

import fr.liaison.routes.keys.ParticipantKeys;
import fr.liaison.routes.keys.Providers;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;

import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cms.CMSAlgorithm;
import org.bouncycastle.cms.CMSAuthEnvelopedDataGenerator;
import org.bouncycastle.cms.CMSEnvelopedDataGenerator;
import org.bouncycastle.cms.CMSProcessableByteArray;
import org.bouncycastle.cms.CMSSignedDataGenerator;
import org.bouncycastle.cms.RecipientInfoGenerator;
import org.bouncycastle.cms.jcajce.JcaSignerInfoGeneratorBuilder;
import org.bouncycastle.cms.jcajce.JceCMSContentEncryptorBuilder;
import org.bouncycastle.cms.jcajce.JceKeyAgreeRecipientInfoGenerator;
import org.bouncycastle.cms.jcajce.JceKeyTransRecipientInfoGenerator;
import org.bouncycastle.operator.OutputAEADEncryptor;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;

/**
 * Builds envelopes the way an attacker or a careless peer would: other algorithms, other
 * structures, each with Bouncy Castle's own generators so only the chosen part differs.
 */
final class Forge {

    private Forge() {
    }

    static byte[] signedData(ParticipantKeys signer, byte[] content, String signatureAlgorithm) throws Exception {
        CMSSignedDataGenerator generator = new CMSSignedDataGenerator();
        var certificate = new JcaX509CertificateHolder(signer.signingCertificate());
        generator.addSignerInfoGenerator(new JcaSignerInfoGeneratorBuilder(
                new JcaDigestCalculatorProviderBuilder().setProvider(Providers.bouncyCastle()).build())
                .build(new JcaContentSignerBuilder(signatureAlgorithm).setProvider(Providers.bouncyCastle())
                        .build(signer.signingKey()), certificate));
        generator.addCertificate(certificate);
        return generator.generate(new CMSProcessableByteArray(content), true).toASN1Structure().getEncoded(ASN1Encoding.DER);
    }

    /**
     * A SignedData as the sealer makes it (signing time included), plus the given extra signed and
     * unsigned attributes, over content of the given type.
     */
    static byte[] signedDataWith(ParticipantKeys signer, byte[] content, ASN1ObjectIdentifier contentType,
            org.bouncycastle.asn1.cms.Attribute extraSigned, org.bouncycastle.asn1.cms.Attribute unsigned) throws Exception {
        return signedDataWith(signer, content, contentType, new org.bouncycastle.asn1.cms.Time(new java.util.Date()), extraSigned, unsigned);
    }

    /** The same, with the signing time given as it is to be encoded (a UTCTime, a GeneralizedTime...). */
    static byte[] signedDataWith(ParticipantKeys signer, byte[] content, ASN1ObjectIdentifier contentType,
            org.bouncycastle.asn1.ASN1Encodable signingTime, org.bouncycastle.asn1.cms.Attribute extraSigned,
            org.bouncycastle.asn1.cms.Attribute unsigned) throws Exception {
        CMSSignedDataGenerator generator = new CMSSignedDataGenerator();
        var certificate = new JcaX509CertificateHolder(signer.signingCertificate());
        org.bouncycastle.asn1.ASN1EncodableVector signedAttributes = new org.bouncycastle.asn1.ASN1EncodableVector();
        signedAttributes.add(new org.bouncycastle.asn1.cms.Attribute(org.bouncycastle.asn1.cms.CMSAttributes.signingTime,
                new org.bouncycastle.asn1.DERSet(signingTime)));
        if (extraSigned != null) {
            signedAttributes.add(extraSigned);
        }
        var builder = new JcaSignerInfoGeneratorBuilder(new JcaDigestCalculatorProviderBuilder().setProvider(Providers.bouncyCastle()).build())
                .setSignedAttributeGenerator(new org.bouncycastle.cms.DefaultSignedAttributeTableGenerator(
                        new org.bouncycastle.asn1.cms.AttributeTable(signedAttributes)));
        if (unsigned != null) {
            builder.setUnsignedAttributeGenerator(new org.bouncycastle.cms.SimpleAttributeTableGenerator(
                    new org.bouncycastle.asn1.cms.AttributeTable(unsigned)));
        }
        generator.addSignerInfoGenerator(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").setProvider(Providers.bouncyCastle())
                .build(signer.signingKey()), certificate));
        generator.addCertificate(certificate);
        return generator.generate(new org.bouncycastle.cms.CMSProcessableByteArray(contentType, content), true).toASN1Structure()
                .getEncoded(ASN1Encoding.DER);
    }

    static byte[] authEnveloped(byte[] inner, RecipientInfoGenerator recipient, ASN1ObjectIdentifier contentAlgorithm) throws Exception {
        CMSAuthEnvelopedDataGenerator generator = new CMSAuthEnvelopedDataGenerator();
        generator.addRecipientInfoGenerator(recipient);
        OutputAEADEncryptor encryptor = (OutputAEADEncryptor) new JceCMSContentEncryptorBuilder(contentAlgorithm)
                .setProvider(Providers.bouncyCastle()).build();
        return generator.generate(new CMSProcessableByteArray(inner), encryptor).getEncoded();
    }

    /** The same content encrypted for several recipients at once, one RecipientInfo each. */
    static byte[] authEnvelopedFor(byte[] inner, RecipientInfoGenerator... recipients) throws Exception {
        CMSAuthEnvelopedDataGenerator generator = new CMSAuthEnvelopedDataGenerator();
        for (RecipientInfoGenerator recipient : recipients) {
            generator.addRecipientInfoGenerator(recipient);
        }
        OutputAEADEncryptor encryptor = (OutputAEADEncryptor) new JceCMSContentEncryptorBuilder(CMSAlgorithm.AES256_GCM)
                .setProvider(Providers.bouncyCastle()).build();
        return generator.generate(new CMSProcessableByteArray(inner), encryptor).getEncoded();
    }

    /** One key agreement (one ephemeral key) for several recipients: one RecipientInfo, several recipient keys. */
    static RecipientInfoGenerator keyAgreementFor(X509Certificate... recipients) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC", Providers.bouncyCastle());
        generator.initialize(((ECPublicKey) recipients[0].getPublicKey()).getParams());
        KeyPair ephemeral = generator.generateKeyPair();
        JceKeyAgreeRecipientInfoGenerator info = new JceKeyAgreeRecipientInfoGenerator(CMSAlgorithm.ECDH_SHA256KDF,
                ephemeral.getPrivate(), ephemeral.getPublic(), CMSAlgorithm.AES256_WRAP).setProvider(Providers.bouncyCastle());
        for (X509Certificate recipient : recipients) {
            info.addRecipient(recipient);
        }
        return info;
    }

    static byte[] cbcEnveloped(byte[] inner, X509Certificate recipient) throws Exception {
        CMSEnvelopedDataGenerator generator = new CMSEnvelopedDataGenerator();
        generator.addRecipientInfoGenerator(keyAgreement(recipient, CMSAlgorithm.ECDH_SHA256KDF));
        return generator.generate(new CMSProcessableByteArray(inner),
                new JceCMSContentEncryptorBuilder(CMSAlgorithm.AES256_CBC).setProvider(Providers.bouncyCastle()).build())
                .getEncoded();
    }

    static RecipientInfoGenerator keyAgreement(X509Certificate recipient, ASN1ObjectIdentifier scheme) throws Exception {
        return keyAgreement(recipient, scheme, CMSAlgorithm.AES256_WRAP);
    }

    static RecipientInfoGenerator keyAgreement(X509Certificate recipient, ASN1ObjectIdentifier scheme, ASN1ObjectIdentifier wrap)
            throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC", Providers.bouncyCastle());
        generator.initialize(((ECPublicKey) recipient.getPublicKey()).getParams());
        KeyPair ephemeral = generator.generateKeyPair();
        return new JceKeyAgreeRecipientInfoGenerator(scheme, ephemeral.getPrivate(), ephemeral.getPublic(), wrap)
                .setProvider(Providers.bouncyCastle()).addRecipient(recipient);
    }

    static RecipientInfoGenerator rsaPkcs1(X509Certificate recipient) throws Exception {
        return new JceKeyTransRecipientInfoGenerator(recipient).setProvider(Providers.bouncyCastle());
    }

    /**
     * A sealed envelope whose ephemeral originator key is replaced by {@code point} (the BIT STRING's
     * bytes), the rest unchanged: the RecipientInfo is outside what the GCM tag authenticates.
     */
    static byte[] withOriginatorPoint(byte[] envelope, byte[] point) throws Exception {
        org.bouncycastle.asn1.cms.ContentInfo info = org.bouncycastle.asn1.cms.ContentInfo.getInstance(
                org.bouncycastle.asn1.ASN1Primitive.fromByteArray(envelope));
        org.bouncycastle.asn1.cms.AuthEnvelopedData data = org.bouncycastle.asn1.cms.AuthEnvelopedData.getInstance(info.getContent());
        org.bouncycastle.asn1.cms.KeyAgreeRecipientInfo agreement = org.bouncycastle.asn1.cms.KeyAgreeRecipientInfo.getInstance(
                org.bouncycastle.asn1.cms.RecipientInfo.getInstance(data.getRecipientInfos().getObjectAt(0)).getInfo());
        org.bouncycastle.asn1.cms.OriginatorPublicKey originator = new org.bouncycastle.asn1.cms.OriginatorPublicKey(
                agreement.getOriginator().getOriginatorKey().getAlgorithm(), point);
        org.bouncycastle.asn1.cms.KeyAgreeRecipientInfo changed = new org.bouncycastle.asn1.cms.KeyAgreeRecipientInfo(
                new org.bouncycastle.asn1.cms.OriginatorIdentifierOrKey(originator), agreement.getUserKeyingMaterial(),
                agreement.getKeyEncryptionAlgorithm(), agreement.getRecipientEncryptedKeys());
        org.bouncycastle.asn1.cms.AuthEnvelopedData forged = new org.bouncycastle.asn1.cms.AuthEnvelopedData(data.getOriginatorInfo(),
                new org.bouncycastle.asn1.DERSet(new org.bouncycastle.asn1.cms.RecipientInfo(changed)), data.getAuthEncryptedContentInfo(),
                data.getAuthAttrs(), data.getMac(), data.getUnauthAttrs());
        return new org.bouncycastle.asn1.cms.ContentInfo(org.bouncycastle.asn1.cms.CMSObjectIdentifiers.authEnvelopedData, forged)
                .getEncoded(ASN1Encoding.DER);
    }

    /** The ephemeral originator key of a sealed envelope, as its BIT STRING's bytes. */
    static byte[] originatorPoint(byte[] envelope) throws Exception {
        org.bouncycastle.asn1.cms.AuthEnvelopedData data = org.bouncycastle.asn1.cms.AuthEnvelopedData.getInstance(
                org.bouncycastle.asn1.cms.ContentInfo.getInstance(org.bouncycastle.asn1.ASN1Primitive.fromByteArray(envelope)).getContent());
        return org.bouncycastle.asn1.cms.KeyAgreeRecipientInfo.getInstance(org.bouncycastle.asn1.cms.RecipientInfo.getInstance(
                data.getRecipientInfos().getObjectAt(0)).getInfo()).getOriginator().getOriginatorKey().getPublicKey().getOctets();
    }
}
