package fr.liaison.routes.consent;

import fr.liaison.routes.audit.Pseudonymiser;
import fr.liaison.routes.directory.Directory;
import fr.liaison.routes.directory.Participant;
import fr.liaison.routes.signing.SignedContent;
import fr.liaison.routes.keys.ParticipantKeys;
import fr.liaison.schemas.MessageCodec;
import fr.liaison.schemas.MessageFormat;
import fr.liaison.schemas.ValidatedMessage;
import fr.liaison.schemas.error.ErrorCode;
import fr.liaison.schemas.error.LiaisonException;
import fr.liaison.schemas.v1.Consent;
import fr.liaison.schemas.v1.DataCategory;
import fr.liaison.schemas.v1.LiaisonMessage;

import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * Makes and checks consent proofs. The institution that collected a consent signs its canonical
 * XML (CMS SignedData, content attached); any node can later check, without trusting whoever
 * handed it the proof, that this institution recorded exactly these terms. Thread-safe.
 */
public final class ConsentProofs {

    /** Room for the CMS structure and certificate around a message of the codec's maximum size. */
    private static final int CMS_OVERHEAD_BYTES = 64 * 1024;
    /** Proofs whose bytes were verified, remembered: a consent covers many messages. */
    private static final int REMEMBERED = 1024;

    private final MessageCodec codec;
    private final Pseudonymiser pseudonymiser;
    private final Map<Bytes, Proven> proven = new ConcurrentHashMap<>();

    /** What a proof's bytes alone establish: the signer, the valid consent it carries, its record. */
    private record Proven(X509Certificate signer, String collector, ConsentRecord record) {
    }

    /** A proof's bytes as a key: equal when every byte is. */
    private record Bytes(byte[] value) {
        @Override
        public boolean equals(Object other) {
            return other instanceof Bytes b && Arrays.equals(value, b.value);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(value);
        }
    }

    public ConsentProofs(MessageCodec codec, Pseudonymiser pseudonymiser) {
        this.codec = Objects.requireNonNull(codec, "codec");
        this.pseudonymiser = Objects.requireNonNull(pseudonymiser, "pseudonymiser");
    }

    /**
     * Signs a consent this node collected and returns its record, proof included.
     *
     * @throws IllegalArgumentException if the message is not a Consent
     * @throws LiaisonException CONSENT_NOT_RECORDER if the consent is not collected by, or not sent
     *     by, {@code recorder}
     */
    public ConsentRecord sign(ValidatedMessage consentMessage, ParticipantKeys recorder) {
        Consent consent = asConsent(consentMessage.message());
        String recorderId = recorder.participantId();
        String collector = collector(consent);
        if (!recorderId.equals(collector)) {
            throw new LiaisonException(ErrorCode.CONSENT_NOT_RECORDER,
                    "consent " + consent.getConsentId() + " was collected by " + collector + ", not " + recorderId);
        }
        if (!recorderId.equals(consent.getHeader().getSender())) {
            throw new LiaisonException(ErrorCode.CONSENT_NOT_RECORDER,
                    "consent " + consent.getConsentId() + " names " + consent.getHeader().getSender() + " as sender, not " + recorderId);
        }
        // The canonical XML is what was validated: the proof covers those exact bytes.
        byte[] proof = SignedContent.sign(consentMessage.canonicalXml(), recorder);
        return record(consent, proof);
    }

    /**
     * Checks a proof and returns the consent it proves, not revoked.
     *
     * @throws LiaisonException CONSENT_PROOF_INVALID if the proof is unreadable, altered, uses a
     *     refused algorithm, is signed by an untrusted certificate or by anyone other than the
     *     institution the consent names as collector, or if its content is not a valid Consent
     */
    public ConsentRecord verify(byte[] proof, Directory directory) {
        // The same bytes verified before: their structure, signature and content are as they were;
        // what depends on now and on the directory in force (the signer still trusted, the collector
        // still a participant signing with it) is checked again, in the same order as below.
        Proven known = proof == null ? null : proven.get(new Bytes(proof));
        if (known != null) {
            SignedContent.checkSigner(known.signer(), directory.trust(), ErrorCode.CONSENT_PROOF_INVALID);
            checkRecorder(known.collector(), known.signer(), directory);
            return known.record();
        }
        SignedContent.Verified verified = SignedContent.verify(proof, codec.limits().maxBytes() + CMS_OVERHEAD_BYTES,
                directory.trust(), ErrorCode.CONSENT_PROOF_INVALID);
        ValidatedMessage message;
        try {
            message = codec.read(verified.content(), MessageFormat.XML);
        } catch (LiaisonException e) {
            throw new LiaisonException(ErrorCode.CONSENT_PROOF_INVALID, "signed content: " + e.code().code(), e);
        }
        if (!(message.message() instanceof Consent consent)) {
            throw new LiaisonException(ErrorCode.CONSENT_PROOF_INVALID, "signed content is a " + message.messageType().value());
        }
        String collector = collector(consent);
        checkRecorder(collector, verified.signer(), directory);
        // sign() never makes such a proof; refuse one made elsewhere.
        if (!collector.equals(consent.getHeader().getSender())) {
            throw new LiaisonException(ErrorCode.CONSENT_PROOF_INVALID, "sender is not the collector " + collector);
        }
        ConsentRecord record = record(consent, proof);
        if (proven.size() >= REMEMBERED) {
            proven.clear();
        }
        proven.put(new Bytes(proof.clone()), new Proven(verified.signer(), collector, record));
        return record;
    }

    /** The collector must be a participant of the directory in force that signs, or signed, with this certificate. */
    private static void checkRecorder(String collector, X509Certificate signer, Directory directory) {
        Optional<Participant> recorder = directory.find(collector);
        if (recorder.isEmpty()) {
            throw new LiaisonException(ErrorCode.CONSENT_PROOF_INVALID, "collector " + collector + " is not in the directory");
        }
        if (!recorder.get().signsOrSignedWith(signer)) {
            String actual = directory.bySigningCertificate(signer).map(Participant::id).orElse("an unlisted certificate");
            throw new LiaisonException(ErrorCode.CONSENT_PROOF_INVALID,
                    "signed by " + actual + ", collector is " + collector);
        }
    }

    private ConsentRecord record(Consent consent, byte[] proof) {
        Set<String> categories = consent.getAllowedDataCategories() == null ? Set.of()
                : consent.getAllowedDataCategories().stream().map(DataCategory::name).collect(Collectors.toSet());
        Set<String> recipients = consent.getAllowedRecipients() == null ? Set.of() : Set.copyOf(consent.getAllowedRecipients());
        return new ConsentRecord(consent.getConsentId(),
                pseudonymiser.personHash(consent.getPerson().getFranceTravailId()),
                consent.getPurpose().name(), recipients, categories,
                consent.getGrantedAt().toInstant(), consent.getExpiresAt().toInstant(),
                collector(consent), null, proof);
    }

    private static String collector(Consent consent) {
        return consent.getCollectedBy() == null ? null : consent.getCollectedBy().getParticipant();
    }

    private static Consent asConsent(LiaisonMessage message) {
        if (message instanceof Consent consent) {
            return consent;
        }
        throw new IllegalArgumentException("a consent proof is made from a Consent message, not "
                + message.getHeader().getMessageType());
    }
}
