package fr.liaison.routes.testing;

import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.cms.CMSObjectIdentifiers;
import org.bouncycastle.asn1.cms.ContentInfo;
import org.bouncycastle.asn1.cms.SignedData;

/** A signed content re-encoded with its eContent in another ASN.1 type than the OCTET STRING CMS requires. */
public final class ContentRewrap {

    private ContentRewrap() {
    }

    /** The same SignedData (signature untouched) whose eContent is a SEQUENCE holding the original OCTET STRING. */
    public static byte[] eContentAsSequence(byte[] signedDataDer) throws Exception {
        SignedData signed = SignedData.getInstance(ContentInfo.getInstance(signedDataDer).getContent());
        ContentInfo encapsulated = signed.getEncapContentInfo();
        ASN1OctetString content = ASN1OctetString.getInstance(encapsulated.getContent());
        ContentInfo rewrapped = new ContentInfo(encapsulated.getContentType(), new DERSequence(new ASN1Encodable[] {content}));
        SignedData changed = new SignedData(signed.getDigestAlgorithms(), rewrapped, signed.getCertificates(), signed.getCRLs(),
                signed.getSignerInfos());
        return new ContentInfo(CMSObjectIdentifiers.signedData, changed).getEncoded(ASN1Encoding.DER);
    }
}
