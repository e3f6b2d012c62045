package fr.liaison.routes.exchange;

import fr.liaison.routes.audit.AuditTrail;
import fr.liaison.routes.audit.Pseudonymiser;
import fr.liaison.routes.consent.ConsentGate;
import fr.liaison.routes.consent.ConsentProofs;
import fr.liaison.routes.consent.ConsentRegistry;
import fr.liaison.routes.directory.Directory;
import fr.liaison.routes.keys.ParticipantKeys;
import fr.liaison.routes.lifecycle.ReferralLifecycle;
import fr.liaison.routes.resources.ResourceDirectory;
import fr.liaison.routes.minimise.Minimiser;
import fr.liaison.schemas.MessageCodec;
import fr.liaison.schemas.v1.LiaisonMessage;
import fr.liaison.schemas.v1.ResourceDirectoryEntry;

import java.time.Clock;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * Everything the exchange steps need from the node they run in: its identity and keys, the
 * current directory, and the stores the application provides. One per node.
 */
public record NodeContext(ParticipantKeys keys, Supplier<Directory> directory, MessageCodec codec, ConsentRegistry consents,
        ConsentGate consentGate, ConsentProofs consentProofs, Minimiser minimiser, Pseudonymiser pseudonymiser,
        AuditTrail audit, MessageStore messages, Clock clock, Duration replayWindow, ReferralLifecycle referrals,
        ResourceDirectory resources) {

    public String participantId() {
        return keys.participantId();
    }

    /** What a message accepted or received here starts or changes: its referral, a published resource. */
    public void recordStarted(LiaisonMessage message) {
        referrals.record(message);
        if (message instanceof ResourceDirectoryEntry entry) {
            resources.apply(entry);
        }
    }
}
