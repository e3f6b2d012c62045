package fr.liaison.routes.envelope;

import java.util.Set;

import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;

/**
 * The algorithms an envelope may use. Anything else is refused as a downgrade: CBC or other
 * unauthenticated content encryption, SHA-1 anywhere, RSA PKCS#1 v1.5 key transport, key wrapping
 * weaker than the content key.
 */
final class AlgorithmPolicy {

    /** AES-256-GCM with a 96-bit nonce and a 128-bit tag (RFC 5084). */
    static final ASN1ObjectIdentifier CONTENT_ENCRYPTION = NISTObjectIdentifiers.id_aes256_GCM;
    static final int GCM_NONCE_BYTES = 12;
    static final int GCM_TAG_BYTES = 16;

    /** ECDH ephemeral-static with the X9.63 KDF over SHA-2 (RFC 5753). */
    static final Set<ASN1ObjectIdentifier> KEY_AGREEMENT = Set.of(
            SECObjectIdentifiers.dhSinglePass_stdDH_sha256kdf_scheme,
            SECObjectIdentifiers.dhSinglePass_stdDH_sha384kdf_scheme,
            SECObjectIdentifiers.dhSinglePass_stdDH_sha512kdf_scheme,
            SECObjectIdentifiers.dhSinglePass_cofactorDH_sha256kdf_scheme,
            SECObjectIdentifiers.dhSinglePass_cofactorDH_sha384kdf_scheme,
            SECObjectIdentifiers.dhSinglePass_cofactorDH_sha512kdf_scheme);

    static final ASN1ObjectIdentifier KEY_WRAP = NISTObjectIdentifiers.id_aes256_wrap;

    /** RSAES-OAEP; its hash is checked separately. */
    static final ASN1ObjectIdentifier KEY_TRANSPORT = PKCSObjectIdentifiers.id_RSAES_OAEP;

    static final Set<ASN1ObjectIdentifier> DIGESTS = Set.of(
            NISTObjectIdentifiers.id_sha256, NISTObjectIdentifiers.id_sha384, NISTObjectIdentifiers.id_sha512);

    static final Set<ASN1ObjectIdentifier> SIGNATURES = Set.of(
            X9ObjectIdentifiers.ecdsa_with_SHA256, X9ObjectIdentifiers.ecdsa_with_SHA384,
            X9ObjectIdentifiers.ecdsa_with_SHA512,
            PKCSObjectIdentifiers.sha256WithRSAEncryption, PKCSObjectIdentifiers.sha384WithRSAEncryption,
            PKCSObjectIdentifiers.sha512WithRSAEncryption, PKCSObjectIdentifiers.id_RSASSA_PSS,
            // rsaEncryption as the SignerInfo signature algorithm: the digest algorithm says which hash.
            PKCSObjectIdentifiers.rsaEncryption);

    private AlgorithmPolicy() {
    }
}
