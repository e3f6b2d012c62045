package fr.liaison.routes.keys;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Objects;

/**
 * A participant's own key material: the signing key and certificate (seals what it sends), the
 * encryption key and certificate (opens what it receives), and the TLS key and certificate (mutual
 * TLS between nodes). Never leaves the node.
 */
public record ParticipantKeys(String participantId, PrivateKey signingKey, X509Certificate signingCertificate,
        PrivateKey encryptionKey, X509Certificate encryptionCertificate, PrivateKey tlsKey,
        X509Certificate tlsCertificate) {

    public ParticipantKeys {
        Objects.requireNonNull(participantId, "participantId");
        Objects.requireNonNull(signingKey, "signingKey");
        Objects.requireNonNull(signingCertificate, "signingCertificate");
        Objects.requireNonNull(encryptionKey, "encryptionKey");
        Objects.requireNonNull(encryptionCertificate, "encryptionCertificate");
    }

    @Override
    public String toString() {
        return "ParticipantKeys[" + participantId + "]";
    }
}
