package fr.liaison.routes.minimise;

import fr.liaison.routes.directory.ParticipantKind;
import fr.liaison.schemas.DataCategories;
import fr.liaison.schemas.v1.DataCategory;
import fr.liaison.schemas.v1.DiagnosedBarrier;
import fr.liaison.schemas.v1.KnownBarrier;
import fr.liaison.schemas.v1.LiaisonMessage;
import fr.liaison.schemas.v1.Referral;
import fr.liaison.schemas.v1.SharedDiagnosis;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Takes out of a message what its recipient's kind of institution does not need, whatever the
 * consent allows: data minimisation (GDPR art. 5(1)(c)) is applied per recipient, the consent gate
 * only says what may be shared at most. It runs before sealing and leaves the header's categories
 * describing what is really sent, so a consent check made afterwards judges the minimised message.
 *
 * <p>What each category removes:
 * <ul>
 * <li>HEALTH_DETAIL: {@code SharedDiagnosis.healthDetail};</li>
 * <li>BARRIER_x: that barrier's entry, in a diagnosis or a referral;</li>
 * <li>EMPLOYMENT_SITUATION: {@code SharedDiagnosis.employmentSituation}. A follow-up event's exit
 * reason is required by the schema for ACCOMPANIMENT_ENDED and is kept;</li>
 * <li>IDENTITY: never removed. A referral's names and birth date are required by the schema, and
 * the person must be identified for the referral to be acted on.</li>
 * </ul>
 * Free-text details are the {@code detail} of diagnosed barriers; a referral's barrier comments
 * are the referrer's own request and are kept.
 *
 * <p>The rules are a plain map so that they can be bound from configuration. Every kind must have
 * a rule: a kind forgotten in configuration fails at start-up rather than sending everything.
 * Thread-safe (the message passed in is not: it is the caller's).
 */
public final class Minimiser {

    private final Map<ParticipantKind, MinimisationRule> rules;

    /** @throws IllegalArgumentException if a kind has no rule */
    public Minimiser(Map<ParticipantKind, MinimisationRule> rules) {
        Objects.requireNonNull(rules, "rules");
        EnumMap<ParticipantKind, MinimisationRule> copy = new EnumMap<>(ParticipantKind.class);
        for (ParticipantKind kind : ParticipantKind.values()) {
            MinimisationRule rule = rules.get(kind);
            if (rule == null) {
                throw new IllegalArgumentException("no minimisation rule for " + kind);
            }
            copy.put(kind, rule);
        }
        this.rules = copy;
    }

    /**
     * France Travail: no health detail nor free-text barrier details (the barriers' status,
     * situations, objectives and impact are what its advisors use); departmental councils: nothing
     * removed, the consent gate having decided; CCAS: no health detail.
     */
    public static Minimiser defaults() {
        return new Minimiser(Map.of(
                ParticipantKind.FRANCE_TRAVAIL, new MinimisationRule(Set.of(DataCategory.HEALTH_DETAIL), true),
                ParticipantKind.DEPARTEMENT, MinimisationRule.NOTHING,
                ParticipantKind.CCAS, new MinimisationRule(Set.of(DataCategory.HEALTH_DETAIL), false)));
    }

    MinimisationRule ruleFor(ParticipantKind kind) {
        return rules.get(kind);
    }

    /**
     * Removes from {@code message} what the rule of {@code recipientKind} removes, then sets the
     * header's data categories to what the body still contains (in the enum's order; absent when
     * none). Mutates and returns the same object, which still validates.
     */
    public LiaisonMessage minimise(LiaisonMessage message, ParticipantKind recipientKind) {
        Objects.requireNonNull(message, "message");
        MinimisationRule rule = rules.get(Objects.requireNonNull(recipientKind, "recipientKind"));
        Set<DataCategory> removed = rule.removedCategories();
        if (message instanceof SharedDiagnosis d) {
            if (removed.contains(DataCategory.HEALTH_DETAIL)) {
                d.setHealthDetail(null);
            }
            if (removed.contains(DataCategory.EMPLOYMENT_SITUATION)) {
                d.setEmploymentSituation(null);
            }
            List<DiagnosedBarrier> kept = new ArrayList<>();
            for (DiagnosedBarrier b : nonNull(d.getBarriers())) {
                if (b.getCategory() != null && removed.contains(DataCategories.of(b.getCategory()))) {
                    continue;
                }
                if (rule.removeFreeTextDetails()) {
                    b.setDetail(null);
                }
                kept.add(b);
            }
            // An empty list would be written as an empty <barriers/>, which the schema refuses.
            d.setBarriers(kept.isEmpty() ? null : kept);
        } else if (message instanceof Referral r) {
            List<KnownBarrier> kept = new ArrayList<>();
            for (KnownBarrier b : nonNull(r.getBarriers())) {
                if (b.getCategory() == null || !removed.contains(DataCategories.of(b.getCategory()))) {
                    kept.add(b);
                }
            }
            r.setBarriers(kept.isEmpty() ? null : kept);
        }
        if (message.getHeader() != null) {
            Set<DataCategory> present = EnumSet.noneOf(DataCategory.class);
            present.addAll(DataCategories.of(message));
            message.getHeader().setDataCategories(present.isEmpty() ? null : new ArrayList<>(present));
        }
        return message;
    }

    /**
     * Whether {@link #minimise} would take anything out of the message for {@code recipientKind}:
     * the receiving node's own check, so that minimisation holds even when a sending node does not
     * apply it. Does not change the message.
     */
    public boolean exceeds(LiaisonMessage message, ParticipantKind recipientKind) {
        MinimisationRule rule = rules.get(Objects.requireNonNull(recipientKind, "recipientKind"));
        Set<DataCategory> removed = rule.removedCategories();
        if (message instanceof SharedDiagnosis d) {
            if (removed.contains(DataCategory.HEALTH_DETAIL) && d.getHealthDetail() != null
                    || removed.contains(DataCategory.EMPLOYMENT_SITUATION) && d.getEmploymentSituation() != null) {
                return true;
            }
            return nonNull(d.getBarriers()).stream().anyMatch(b -> b.getCategory() != null && removed.contains(DataCategories.of(b.getCategory()))
                    || rule.removeFreeTextDetails() && b.getDetail() != null);
        }
        if (message instanceof Referral r) {
            return nonNull(r.getBarriers()).stream().anyMatch(b -> b.getCategory() != null && removed.contains(DataCategories.of(b.getCategory())));
        }
        return false;
    }

    private static <T> List<T> nonNull(List<T> list) {
        return list == null ? List.of() : list;
    }
}
