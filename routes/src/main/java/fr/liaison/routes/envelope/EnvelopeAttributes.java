package fr.liaison.routes.envelope;

import org.bouncycastle.asn1.ASN1ObjectIdentifier;

/** Attributes Liaison adds to a SignerInfo. */
public final class EnvelopeAttributes {

    /**
     * The consent proof attribute: one OCTET STRING holding a DER CMS SignedData of the consent
     * record. A UUID-derived identifier (ITU-T X.667, arc 2.25), which needs no registration.
     */
    public static final ASN1ObjectIdentifier CONSENT_PROOF =
            new ASN1ObjectIdentifier("2.25.72691576926749624296113245869615988668");

    private EnvelopeAttributes() {
    }
}
