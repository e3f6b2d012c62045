package fr.liaison.routes.directory;

import java.net.URI;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Comparator;
import java.util.Date;
import java.util.List;
import java.util.Objects;

/**
 * One institution of the network as the signed directory describes it. It may list several
 * certificates per use: during a key rollover its old and new ones are both listed (the overlap),
 * and the others accept either. Certificates are listed oldest first.
 *
 * @param signingCertificates sign what it sends: any of them, valid and unrevoked, is accepted
 * @param encryptionCertificates what is sent to it is sealed to the newest valid one
 * @param tlsCertificates identify its node on mutual TLS, any of them; may be empty
 * @param retiredSigningCertificates signing certificates it no longer signs envelopes with, still
 *     accepted on what it signed earlier and others keep (consent proofs); may be empty
 */
public record Participant(String id, String name, ParticipantKind kind, String department, URI localApi,
        URI exchangeEndpoint, List<X509Certificate> signingCertificates, List<X509Certificate> encryptionCertificates,
        List<X509Certificate> tlsCertificates, List<X509Certificate> retiredSigningCertificates) {

    public Participant {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(kind, "kind");
        signingCertificates = List.copyOf(signingCertificates);
        encryptionCertificates = List.copyOf(encryptionCertificates);
        tlsCertificates = tlsCertificates == null ? List.of() : List.copyOf(tlsCertificates);
        retiredSigningCertificates = retiredSigningCertificates == null ? List.of() : List.copyOf(retiredSigningCertificates);
        if (signingCertificates.isEmpty() || encryptionCertificates.isEmpty()) {
            throw new IllegalArgumentException(id + ": at least one signing and one encryption certificate");
        }
    }

    /** One certificate per use, as before rollovers: {@code tlsCertificate} may be null. */
    public Participant(String id, String name, ParticipantKind kind, String department, URI localApi, URI exchangeEndpoint,
            X509Certificate signingCertificate, X509Certificate encryptionCertificate, X509Certificate tlsCertificate) {
        this(id, name, kind, department, localApi, exchangeEndpoint, List.of(signingCertificate), List.of(encryptionCertificate),
                tlsCertificate == null ? List.of() : List.of(tlsCertificate), List.of());
    }

    /** The newest signing certificate valid now (see {@link #newest}). */
    public X509Certificate signingCertificate() {
        return newest(signingCertificates, Instant.now());
    }

    /** The certificate to seal to: the newest encryption certificate valid now (see {@link #newest}). */
    public X509Certificate encryptionCertificate() {
        return newest(encryptionCertificates, Instant.now());
    }

    /** The newest TLS certificate valid now, null if none is listed. */
    public X509Certificate tlsCertificate() {
        return tlsCertificates.isEmpty() ? null : newest(tlsCertificates, Instant.now());
    }

    /** Whether {@code certificate} is one of its listed signing certificates (trust aside). */
    public boolean signsWith(X509Certificate certificate) {
        return signingCertificates.contains(certificate);
    }

    /** Whether it signs with {@code certificate} now or did before a rollover (trust aside). */
    public boolean signsOrSignedWith(X509Certificate certificate) {
        return signsWith(certificate) || retiredSigningCertificates.contains(certificate);
    }

    /**
     * Of the certificates valid at {@code at}, the one that became valid last (the later listed on
     * a tie); if none is valid, the one that became valid last, for the refusal to name it.
     */
    public static X509Certificate newest(List<X509Certificate> certificates, Instant at) {
        Date now = Date.from(at);
        Comparator<X509Certificate> byStart = Comparator.comparing(X509Certificate::getNotBefore);
        X509Certificate newest = null;
        for (X509Certificate c : certificates) {
            if (!now.before(c.getNotBefore()) && !now.after(c.getNotAfter())
                    && (newest == null || byStart.compare(c, newest) >= 0)) {
                newest = c;
            }
        }
        if (newest != null) {
            return newest;
        }
        return certificates.stream().reduce((a, b) -> byStart.compare(b, a) >= 0 ? b : a).orElseThrow();
    }
}
