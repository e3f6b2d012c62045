package fr.liaison.routes.keys;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A participant's own key material: the signing key and certificate (seals what it sends), the
 * encryption key and certificate (opens what it receives), and the TLS key and certificate (mutual
 * TLS between nodes). Never leaves the node.
 *
 * <p>Around a key rollover it also holds {@code otherGenerations}: the keys of the generation it
 * left (or of the one it is about to take up), never used to sign, kept so that envelopes sealed to
 * their encryption certificate still open and what their signing certificate signed (audit
 * checkpoints) still verifies.
 */
public record ParticipantKeys(String participantId, PrivateKey signingKey, X509Certificate signingCertificate,
        PrivateKey encryptionKey, X509Certificate encryptionCertificate, PrivateKey tlsKey,
        X509Certificate tlsCertificate, List<KeyGeneration> otherGenerations) {

    /**
     * Another generation of this participant's keys.
     *
     * @param signingCertificate null when only its encryption key is kept
     */
    public record KeyGeneration(String name, X509Certificate signingCertificate, PrivateKey encryptionKey,
            X509Certificate encryptionCertificate) {

        public KeyGeneration {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(encryptionKey, "encryptionKey");
            Objects.requireNonNull(encryptionCertificate, "encryptionCertificate");
        }

        @Override
        public String toString() {
            return "KeyGeneration[" + name + "]";
        }
    }

    /** An encryption certificate this participant holds the private key of. */
    public record DecryptionKey(X509Certificate certificate, PrivateKey key) {

        @Override
        public String toString() {
            return "DecryptionKey[" + certificate.getSubjectX500Principal().getName() + "]";
        }
    }

    public ParticipantKeys {
        Objects.requireNonNull(participantId, "participantId");
        Objects.requireNonNull(signingKey, "signingKey");
        Objects.requireNonNull(signingCertificate, "signingCertificate");
        Objects.requireNonNull(encryptionKey, "encryptionKey");
        Objects.requireNonNull(encryptionCertificate, "encryptionCertificate");
        otherGenerations = otherGenerations == null ? List.of() : List.copyOf(otherGenerations);
    }

    /** Keys of one generation only. */
    public ParticipantKeys(String participantId, PrivateKey signingKey, X509Certificate signingCertificate,
            PrivateKey encryptionKey, X509Certificate encryptionCertificate, PrivateKey tlsKey, X509Certificate tlsCertificate) {
        this(participantId, signingKey, signingCertificate, encryptionKey, encryptionCertificate, tlsKey, tlsCertificate, List.of());
    }

    /** Every encryption key it can open envelopes with: the current one first. */
    public List<DecryptionKey> decryptionKeys() {
        List<DecryptionKey> keys = new ArrayList<>();
        keys.add(new DecryptionKey(encryptionCertificate, encryptionKey));
        otherGenerations.forEach(g -> keys.add(new DecryptionKey(g.encryptionCertificate(), g.encryptionKey())));
        return keys;
    }

    /** The certificate it signs with now, then those of its other generations. */
    public List<X509Certificate> signingCertificates() {
        List<X509Certificate> certificates = new ArrayList<>();
        certificates.add(signingCertificate);
        otherGenerations.stream().map(KeyGeneration::signingCertificate).filter(Objects::nonNull).forEach(certificates::add);
        return certificates;
    }

    @Override
    public String toString() {
        return "ParticipantKeys[" + participantId + "]";
    }
}
