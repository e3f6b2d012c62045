package fr.liaison.schemas;

import fr.liaison.schemas.error.ErrorCode;
import fr.liaison.schemas.v1.BarrierCategory;
import fr.liaison.schemas.v1.Consent;
import fr.liaison.schemas.v1.DataCategory;
import fr.liaison.schemas.v1.DiagnosedBarrier;
import fr.liaison.schemas.v1.FollowUpEvent;
import fr.liaison.schemas.v1.FollowUpEventType;
import fr.liaison.schemas.v1.KnownBarrier;
import fr.liaison.schemas.v1.LiaisonMessage;
import fr.liaison.schemas.v1.MessageHeader;
import fr.liaison.schemas.v1.MessageType;
import fr.liaison.schemas.v1.Referral;
import fr.liaison.schemas.v1.ReferralDecision;
import fr.liaison.schemas.v1.ReferralResponse;
import fr.liaison.schemas.v1.RefusalReason;
import fr.liaison.schemas.v1.SharedDiagnosis;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Rules the XSD cannot express, run on the bound object after the XSD check, hence the same for
 * both forms. Locations are element paths for XML input and JSON pointers for JSON input.
 */
final class MessageRules {

    private static final Map<BarrierCategory, Integer> FT_CODES = new EnumMap<>(BarrierCategory.class);

    static {
        FT_CODES.put(BarrierCategory.NUMERIQUE, 22);
        FT_CODES.put(BarrierCategory.MOBILITE, 23);
        FT_CODES.put(BarrierCategory.FAMILLE, 24);
        FT_CODES.put(BarrierCategory.SANTE, 25);
        FT_CODES.put(BarrierCategory.LECTURE_ECRITURE_CALCUL, 26);
        FT_CODES.put(BarrierCategory.LOGEMENT, 27);
        FT_CODES.put(BarrierCategory.DIFFICULTES_FINANCIERES, 28);
        FT_CODES.put(BarrierCategory.DIFFICULTES_ADMINISTRATIVES_JURIDIQUES, 29);
    }

    private final List<Violation> violations = new ArrayList<>();
    private final Function<Object[], String> locator;

    private MessageRules(Function<Object[], String> locator) {
        this.locator = locator;
    }

    /** Checks a message that passed the XSD; an empty list means it is valid. */
    static List<Violation> check(LiaisonMessage message, MessageFormat form) {
        MessageType actual = MessageKinds.typeOf(message.getClass());
        String root = MessageKinds.rootName(actual);
        MessageRules rules = new MessageRules(segments -> form == MessageFormat.XML ? xmlPath(root, segments) : pointer(segments));
        rules.header(message.getHeader(), actual);
        rules.categories(message);
        if (message instanceof Referral r) {
            rules.referral(r);
        } else if (message instanceof ReferralResponse r) {
            rules.response(r);
        } else if (message instanceof SharedDiagnosis d) {
            rules.diagnosis(d);
        } else if (message instanceof FollowUpEvent e) {
            rules.event(e);
        } else if (message instanceof Consent c) {
            rules.consent(c);
        }
        return List.copyOf(rules.violations);
    }

    private void header(MessageHeader h, MessageType actual) {
        if (h.getMessageType() != actual) {
            fail("messageType " + h.getMessageType().value() + " does not match the message " + MessageKinds.rootName(actual)
                    + " (expected " + actual.value() + ")", "header", "messageType");
        }
        if (MessageKinds.ABOUT_A_PERSON.contains(actual)) {
            if (h.getRecipient() == null) {
                fail("recipient is required for " + actual.value(), "header", "recipient");
            }
            if (h.getConsentRef() == null) {
                fail("consentRef is required for " + actual.value(), "header", "consentRef");
            }
        }
        if (h.getRecipient() != null && h.getRecipient().equals(h.getSender())) {
            fail("recipient must differ from sender", "header", "recipient");
        }
        if (actual == MessageType.REFERRAL_RESPONSE && h.getCorrelationId() == null) {
            fail("correlationId (the referral's messageId) is required for REFERRAL_RESPONSE", "header", "correlationId");
        }
    }

    private void categories(LiaisonMessage message) {
        List<DataCategory> declaredList = message.getHeader().getDataCategories() == null
                ? List.of() : message.getHeader().getDataCategories();
        Set<DataCategory> declared = EnumSet.noneOf(DataCategory.class);
        for (int i = 0; i < declaredList.size(); i++) {
            if (!declared.add(declaredList.get(i))) {
                fail("dataCategory " + declaredList.get(i).value() + " is declared twice", "header", "dataCategories", i);
            }
        }
        Set<DataCategory> present = DataCategories.of(message);
        Set<DataCategory> missing = EnumSet.noneOf(DataCategory.class);
        missing.addAll(present);
        missing.removeAll(declared);
        Set<DataCategory> extra = EnumSet.noneOf(DataCategory.class);
        extra.addAll(declared);
        extra.removeAll(present);
        if (!missing.isEmpty()) {
            fail("dataCategories must declare " + names(missing) + ", present in the body", "header", "dataCategories");
        }
        if (!extra.isEmpty()) {
            fail("dataCategories declares " + names(extra) + ", absent from the body", "header", "dataCategories");
        }
    }

    private void referral(Referral r) {
        if (r.getBarriers() != null) {
            Set<BarrierCategory> seen = EnumSet.noneOf(BarrierCategory.class);
            for (int i = 0; i < r.getBarriers().size(); i++) {
                KnownBarrier b = r.getBarriers().get(i);
                if (!seen.add(b.getCategory())) {
                    fail("barrier category " + b.getCategory().value() + " appears twice", "barriers", i, "category");
                }
            }
        }
    }

    private void response(ReferralResponse r) {
        boolean refused = r.getDecision() == ReferralDecision.REFUSED;
        if (refused && r.getRefusalReason() == null) {
            fail("refusalReason is required when decision is REFUSED", "refusalReason");
        }
        if (!refused && r.getRefusalReason() != null) {
            fail("refusalReason is only allowed when decision is REFUSED", "refusalReason");
        }
        if (!refused && r.getRefusalText() != null) {
            fail("refusalText is only allowed when decision is REFUSED", "refusalText");
        }
        if (r.getRefusalReason() == RefusalReason.AUTRE && r.getRefusalText() == null) {
            fail("refusalText is required when refusalReason is AUTRE", "refusalText");
        }
        if (r.getDecision() == ReferralDecision.MORE_INFORMATION_NEEDED && r.getInformationRequested() == null) {
            fail("informationRequested is required when decision is MORE_INFORMATION_NEEDED", "informationRequested");
        }
    }

    private void diagnosis(SharedDiagnosis d) {
        if (d.getBarriers() == null) {
            return;
        }
        Set<BarrierCategory> seen = EnumSet.noneOf(BarrierCategory.class);
        for (int i = 0; i < d.getBarriers().size(); i++) {
            DiagnosedBarrier b = d.getBarriers().get(i);
            if (!seen.add(b.getCategory())) {
                fail("barrier category " + b.getCategory().value() + " appears twice", "barriers", i, "category");
            }
            Integer expected = FT_CODES.get(b.getCategory());
            if (b.getFtCode() != null && !b.getFtCode().equals(expected)) {
                fail("ftCode " + b.getFtCode() + " is not France Travail's code of " + b.getCategory().value()
                        + (expected == null ? " (it has none)" : " (" + expected + ")"), "barriers", i, "ftCode");
            }
        }
    }

    private void event(FollowUpEvent e) {
        boolean reorientation = e.getEventType() == FollowUpEventType.REORIENTATION;
        if (reorientation != (e.getReorientation() != null)) {
            fail(reorientation ? "reorientation is required for REORIENTATION" : "reorientation is only allowed for REORIENTATION",
                    "reorientation");
        }
        boolean ended = e.getEventType() == FollowUpEventType.ACCOMPANIMENT_ENDED;
        if (ended != (e.getExitReason() != null)) {
            fail(ended ? "exitReason is required for ACCOMPANIMENT_ENDED" : "exitReason is only allowed for ACCOMPANIMENT_ENDED",
                    "exitReason");
        }
    }

    private void consent(Consent c) {
        if (!c.getExpiresAt().isAfter(c.getGrantedAt())) {
            fail("expiresAt must be after grantedAt", "expiresAt");
        }
        MessageHeader h = c.getHeader();
        if (h.getConsentRef() != null && !h.getConsentRef().equals(c.getConsentId())) {
            fail("consentRef of a Consent must be its own consentId", "header", "consentRef");
        }
        if (h.getPurpose() != c.getPurpose()) {
            fail("header purpose must be the consent's purpose", "header", "purpose");
        }
    }

    private void fail(String message, Object... segments) {
        violations.add(new Violation(ErrorCode.SCHEMA_RULE, locator.apply(segments), message));
    }

    private static String names(Set<DataCategory> categories) {
        return String.join(", ", categories.stream().map(DataCategory::value).toList());
    }

    /** Segments are element names, or an Integer for the 0-based index of the preceding list's item. */
    private static String xmlPath(String root, Object[] segments) {
        StringBuilder sb = new StringBuilder("/").append(root);
        for (int i = 0; i < segments.length; i++) {
            if (segments[i] instanceof Integer index) {
                sb.append('/').append(ITEM_NAMES.getOrDefault(String.valueOf(segments[i - 1]), "item"))
                        .append('[').append(index + 1).append(']');
            } else {
                sb.append('/').append(segments[i]);
            }
        }
        return sb.toString();
    }

    private static String pointer(Object[] segments) {
        StringBuilder sb = new StringBuilder();
        for (Object s : segments) {
            sb.append('/').append(s);
        }
        return sb.toString();
    }

    /** Item element of each wrapper the rules point into. */
    private static final Map<String, String> ITEM_NAMES = Map.of("barriers", "barrier", "dataCategories", "dataCategory");
}
