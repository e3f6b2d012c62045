package fr.liaison.routes.directory;

import fr.liaison.routes.keys.Providers;
import fr.liaison.schemas.error.ErrorCode;
import fr.liaison.schemas.error.LiaisonException;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;

import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSProcessableByteArray;
import org.bouncycastle.cms.CMSSignedDataGenerator;
import org.bouncycastle.cms.jcajce.JcaSignerInfoGeneratorBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;

/**
 * The network operator's side: signs a directory JSON document into the CMS SignedData that
 * {@link SignedDirectory} verifies (attached content, SHA-256, the operator's certificate included) —
 * the same structure as {@code openssl cms -sign -nodetach -binary -md sha256}.
 */
public final class DirectorySigner {

    private DirectorySigner() {
    }

    public static byte[] sign(byte[] directoryJson, PrivateKey operatorKey, X509Certificate operatorCertificate) {
        try {
            var certificate = new JcaX509CertificateHolder(operatorCertificate);
            String algorithm = "RSA".equals(operatorKey.getAlgorithm()) ? "SHA256withRSA" : "SHA256withECDSA";
            CMSSignedDataGenerator generator = new CMSSignedDataGenerator();
            generator.addSignerInfoGenerator(new JcaSignerInfoGeneratorBuilder(
                    new JcaDigestCalculatorProviderBuilder().setProvider(Providers.bouncyCastle()).build())
                    .build(new JcaContentSignerBuilder(algorithm).setProvider(Providers.bouncyCastle()).build(operatorKey), certificate));
            generator.addCertificate(certificate);
            return generator.generate(new CMSProcessableByteArray(directoryJson), true).toASN1Structure().getEncoded(ASN1Encoding.DER);
        } catch (GeneralSecurityException | OperatorCreationException | CMSException | IOException e) {
            throw new LiaisonException(ErrorCode.KEYS_UNAVAILABLE, "the directory could not be signed: " + e.getClass().getSimpleName());
        }
    }
}
