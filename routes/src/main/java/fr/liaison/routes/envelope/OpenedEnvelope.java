package fr.liaison.routes.envelope;

import fr.liaison.routes.directory.Participant;

import java.security.cert.X509Certificate;
import java.time.Instant;

/**
 * What an envelope carried, once decrypted and verified: the content, the participant whose
 * directory signing certificate made the signature, and the consent proof the sender attached
 * under its signature ({@code null} when none).
 */
public record OpenedEnvelope(byte[] content, Participant sender, X509Certificate signerCertificate, Instant signingTime,
        byte[] consentProof) {
}
