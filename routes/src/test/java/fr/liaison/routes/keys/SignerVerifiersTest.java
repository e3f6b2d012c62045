package fr.liaison.routes.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import fr.liaison.routes.testing.DevNetwork;

import java.nio.charset.StandardCharsets;
import java.util.Date;

import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.DERSet;
import org.bouncycastle.asn1.cms.Attribute;
import org.bouncycastle.asn1.cms.AttributeTable;
import org.bouncycastle.asn1.cms.CMSAttributes;
import org.bouncycastle.asn1.cms.Time;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cms.CMSProcessableByteArray;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.CMSSignedDataGenerator;
import org.bouncycastle.cms.CMSVerifierCertificateNotValidException;
import org.bouncycastle.cms.DefaultSignedAttributeTableGenerator;
import org.bouncycastle.cms.SignerInformation;
import org.bouncycastle.cms.jcajce.JcaSignerInfoGeneratorBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;
import org.junit.jupiter.api.Test;

/** A remembered signer key verifies as Bouncy Castle's own verifier does, the certificate's checks included. */
class SignerVerifiersTest {

    private final ParticipantKeys ccas = DevNetwork.keys("CCAS-29232");
    private final ParticipantKeys ft29 = DevNetwork.keys("FT-29");
    private final byte[] content = "<referral/>".getBytes(StandardCharsets.UTF_8);

    @Test
    void verifiesTheSignersSignaturesAgainAndAgain() throws Exception {
        for (int i = 0; i < 3; i++) {
            assertThat(signerOf(signed(ccas, content, null)).verify(SignerVerifiers.forCertificate(ccas.signingCertificate()))).isTrue();
        }
    }

    @Test
    void refusesAnotherSignersCertificate() throws Exception {
        SignerInformation signer = signerOf(signed(ccas, content, null));
        // Remembered first, then asked for another signature: a key is never shared across certificates.
        assertThat(signerOf(signed(ft29, content, null)).verify(SignerVerifiers.forCertificate(ft29.signingCertificate()))).isTrue();
        assertThat(verifies(signer, ft29)).isFalse();
    }

    @Test
    void refusesAlteredContent() throws Exception {
        byte[] envelope = signed(ccas, content, null);
        CMSSignedData altered = new CMSSignedData(new CMSProcessableByteArray("<referral>x</referral>".getBytes(StandardCharsets.UTF_8)),
                new CMSSignedData(envelope).toASN1Structure());
        SignerInformation signer = altered.getSignerInfos().getSigners().iterator().next();
        assertThat(verifies(signer, ccas)).isFalse();
    }

    @Test
    void refusesASigningTimeOutsideTheCertificatesValidity() throws Exception {
        Date beforeIssue = new Date(ccas.signingCertificate().getNotBefore().getTime() - 86_400_000L);
        SignerInformation signer = signerOf(signed(ccas, content, beforeIssue));
        SignerVerifiers.forCertificate(ccas.signingCertificate()); // remembered

        assertThatThrownBy(() -> signer.verify(SignerVerifiers.forCertificate(ccas.signingCertificate())))
                .isInstanceOf(CMSVerifierCertificateNotValidException.class);
    }

    /** As the opener reads it: a signature that does not verify may also be an exception. */
    private static boolean verifies(SignerInformation signer, ParticipantKeys claimed) throws Exception {
        try {
            return signer.verify(SignerVerifiers.forCertificate(claimed.signingCertificate()));
        } catch (org.bouncycastle.cms.CMSException e) {
            return false;
        }
    }

    private static SignerInformation signerOf(byte[] signedData) throws Exception {
        return new CMSSignedData(signedData).getSignerInfos().getSigners().iterator().next();
    }

    private static byte[] signed(ParticipantKeys signer, byte[] content, Date signingTime) throws Exception {
        JcaX509CertificateHolder certificate = new JcaX509CertificateHolder(signer.signingCertificate());
        JcaSignerInfoGeneratorBuilder builder = new JcaSignerInfoGeneratorBuilder(
                new JcaDigestCalculatorProviderBuilder().setProvider(Providers.bouncyCastle()).build());
        if (signingTime != null) {
            ASN1EncodableVector attributes = new ASN1EncodableVector();
            attributes.add(new Attribute(CMSAttributes.signingTime, new DERSet(new Time(signingTime))));
            builder.setSignedAttributeGenerator(new DefaultSignedAttributeTableGenerator(new AttributeTable(attributes)));
        }
        CMSSignedDataGenerator generator = new CMSSignedDataGenerator();
        generator.addSignerInfoGenerator(builder.build(
                new JcaContentSignerBuilder("SHA256withECDSA").setProvider(Providers.bouncyCastle()).build(signer.signingKey()), certificate));
        generator.addCertificate(certificate);
        return generator.generate(new CMSProcessableByteArray(content), true).getEncoded();
    }
}
