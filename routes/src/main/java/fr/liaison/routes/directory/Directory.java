package fr.liaison.routes.directory;

import fr.liaison.schemas.error.ErrorCode;
import fr.liaison.schemas.error.LiaisonException;

import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A verified version of the participant directory: who is in the network, their kind, addresses
 * and certificates, and the network's trust (CA and CRLs). Immutable; a new version replaces it
 * whole.
 */
public final class Directory {

    private final String network;
    private final long version;
    private final Instant issuedAt;
    private final Map<String, Participant> participants;
    private final NetworkTrust trust;
    private final Map<String, Participant> bySigningFingerprint;
    private final Map<String, Participant> byTlsFingerprint;
    private final List<Convention> conventions;

    public Directory(String network, long version, Instant issuedAt, Collection<Participant> participants, NetworkTrust trust) {
        this(network, version, issuedAt, participants, List.of(), trust);
    }

    public Directory(String network, long version, Instant issuedAt, Collection<Participant> participants,
            List<Convention> conventions, NetworkTrust trust) {
        this.network = network;
        this.version = version;
        this.issuedAt = issuedAt;
        Map<String, Participant> byId = new LinkedHashMap<>();
        for (Participant p : participants) {
            if (byId.put(p.id(), p) != null) {
                throw new LiaisonException(ErrorCode.DIRECTORY_MALFORMED, "participant listed twice: " + p.id());
            }
        }
        this.participants = Map.copyOf(byId);
        this.trust = trust;
        this.conventions = List.copyOf(conventions);
        Map<String, Participant> bySigner = new LinkedHashMap<>();
        byId.values().forEach(p -> p.signingCertificates().forEach(c -> bySigner.put(NetworkTrust.fingerprint(c), p)));
        this.bySigningFingerprint = Map.copyOf(bySigner);
        Map<String, Participant> byTls = new LinkedHashMap<>();
        byId.values().forEach(p -> p.tlsCertificates().forEach(c -> byTls.put(NetworkTrust.fingerprint(c), p)));
        this.byTlsFingerprint = Map.copyOf(byTls);
    }

    public String network() {
        return network;
    }

    public long version() {
        return version;
    }

    public Instant issuedAt() {
        return issuedAt;
    }

    public NetworkTrust trust() {
        return trust;
    }

    public List<Participant> participants() {
        return participants.values().stream().sorted(java.util.Comparator.comparing(Participant::id)).toList();
    }

    public Optional<Participant> find(String participantId) {
        return Optional.ofNullable(participants.get(participantId));
    }

    /** @throws LiaisonException DIRECTORY_UNKNOWN_PARTICIPANT */
    public Participant require(String participantId) {
        return find(participantId).orElseThrow(
                () -> new LiaisonException(ErrorCode.DIRECTORY_UNKNOWN_PARTICIPANT, participantId));
    }

    /** The participant that lists exactly this certificate among its signing certificates. */
    public Optional<Participant> bySigningCertificate(X509Certificate certificate) {
        return Optional.ofNullable(bySigningFingerprint.get(NetworkTrust.fingerprint(certificate)));
    }

    /** The participant that lists exactly this certificate among its TLS certificates. */
    public Optional<Participant> byTlsCertificate(X509Certificate certificate) {
        return Optional.ofNullable(byTlsFingerprint.get(NetworkTrust.fingerprint(certificate)));
    }

    public List<Convention> conventions() {
        return conventions;
    }

    /**
     * The convention in force on {@code day} that lets {@code sender} send this message type for
     * this purpose to {@code recipient}.
     *
     * @throws LiaisonException CONVENTION_NONE, or CONVENTION_NOT_IN_FORCE when one covers it but not on that day
     */
    public Convention convention(String sender, String recipient, String messageType, String purpose, java.time.LocalDate day) {
        List<Convention> covering = conventions.stream().filter(c -> c.covers(sender, recipient, messageType, purpose)).toList();
        if (covering.isEmpty()) {
            throw new LiaisonException(ErrorCode.CONVENTION_NONE, sender + " -> " + recipient + " " + messageType + " " + purpose);
        }
        return covering.stream().filter(c -> c.inForce(day)).findFirst().orElseThrow(() -> new LiaisonException(
                ErrorCode.CONVENTION_NOT_IN_FORCE, covering.get(0).id() + " on " + day));
    }
}
