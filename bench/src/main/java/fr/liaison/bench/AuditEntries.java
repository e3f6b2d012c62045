package fr.liaison.bench;

import fr.liaison.routes.audit.AuditEntry;
import fr.liaison.routes.audit.AuditStep;

import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import java.util.UUID;

/**
 * Audit entries shaped like a node's: the steps of one exchange (accepted, sent, delivered, receipt
 * verified, with now and then a refusal, a retry or an officer's read), UUID message, correlation
 * and consent ids, participant ids, purpose, two to four data categories, hex payload digest and
 * person hash (the HMAC a node stores). Deterministic for a given seed.
 */
final class AuditEntries {

    private static final String[] PARTICIPANTS = {"FT-29", "FT-25", "FT-17", "CD-29", "CD-25", "CD-17", "CCAS-29232"};
    private static final String[] TYPES = {"REFERRAL", "REFERRAL_RESPONSE", "SHARED_DIAGNOSIS", "FOLLOW_UP_EVENT"};
    private static final String[] PURPOSES = {"ACCOMPAGNEMENT_GLOBAL", "ACCOMPAGNEMENT_SOCIAL", "RESSOURCES_SOCIALES"};
    private static final String[] CATEGORIES = {"IDENTITY", "EMPLOYMENT_SITUATION", "BARRIER_NUMERIQUE", "BARRIER_MOBILITE",
            "BARRIER_FAMILLE", "BARRIER_LOGEMENT", "BARRIER_DIFFICULTES_FINANCIERES", "BARRIER_EMPLOI"};
    private static final AuditStep[] EXCHANGE = {AuditStep.ACCEPTED, AuditStep.SENT, AuditStep.DELIVERED, AuditStep.RECEIPT_VERIFIED};

    private final Random random;

    AuditEntries(long seed) {
        random = new Random(seed);
    }

    /** The next entry, at {@code at}. */
    AuditEntry next(Instant at) {
        int roll = random.nextInt(100);
        AuditStep step;
        String errorCode = null;
        String actor = null;
        if (roll < 2) {
            step = AuditStep.REFUSED;
            errorCode = "GW-CONSENT-00" + (1 + random.nextInt(4));
        } else if (roll < 3) {
            step = AuditStep.RETRIED;
            errorCode = "GW-TRANSPORT-001";
        } else if (roll < 4) {
            return new AuditEntry(at, AuditStep.LOG_READ, null, null, null, null, null, null, null, null, null, null,
                    "officer:officer filter{step=REFUSED, from=2026-11-01T00:00:00Z}", null);
        } else {
            step = EXCHANGE[roll % EXCHANGE.length];
            if (step == AuditStep.ACCEPTED) {
                actor = "client:" + PARTICIPANTS[random.nextInt(PARTICIPANTS.length)].toLowerCase() + "-si";
            }
        }
        String sender = PARTICIPANTS[random.nextInt(PARTICIPANTS.length)];
        String recipient = PARTICIPANTS[random.nextInt(PARTICIPANTS.length)];
        TreeSet<String> categories = new TreeSet<>(List.of("IDENTITY"));
        for (int i = 1 + random.nextInt(3); i > 0; i--) {
            categories.add(CATEGORIES[random.nextInt(CATEGORIES.length)]);
        }
        return new AuditEntry(at, step, uuid(), uuid(), TYPES[random.nextInt(TYPES.length)], sender, recipient,
                PURPOSES[random.nextInt(PURPOSES.length)], categories, uuid(), hex32(), errorCode, actor, hex32());
    }

    private String uuid() {
        return new UUID(random.nextLong(), random.nextLong()).toString();
    }

    private String hex32() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
