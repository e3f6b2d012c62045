package fr.liaison.routes.directory;

import java.net.URI;
import java.security.cert.X509Certificate;
import java.util.Objects;

/** One institution of the network as the signed directory describes it. */
public record Participant(String id, String name, ParticipantKind kind, String department, URI localApi,
        URI exchangeEndpoint, X509Certificate signingCertificate, X509Certificate encryptionCertificate,
        X509Certificate tlsCertificate) {

    public Participant {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(signingCertificate, "signingCertificate");
        Objects.requireNonNull(encryptionCertificate, "encryptionCertificate");
    }
}
