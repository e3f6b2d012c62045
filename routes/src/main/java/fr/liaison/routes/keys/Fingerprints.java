package fr.liaison.routes.keys;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.util.regex.Pattern;

import org.bouncycastle.util.encoders.Hex;

/** Names a certificate by the SHA-256 digest of its DER encoding, in lowercase hex. */
public final class Fingerprints {

    private static final Pattern FORM = Pattern.compile("[0-9a-f]{64}");

    private Fingerprints() {
    }

    public static String sha256(X509Certificate certificate) {
        try {
            return Hex.toHexString(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 and DER encoding are part of every JDK", e);
        }
    }

    /** Whether {@code value} has the form {@link #sha256} gives. */
    public static boolean isFingerprint(String value) {
        return value != null && FORM.matcher(value).matches();
    }
}
