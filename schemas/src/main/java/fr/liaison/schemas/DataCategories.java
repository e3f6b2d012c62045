package fr.liaison.schemas;

import fr.liaison.schemas.v1.BarrierCategory;
import fr.liaison.schemas.v1.DataCategory;
import fr.liaison.schemas.v1.DiagnosedBarrier;
import fr.liaison.schemas.v1.FollowUpEvent;
import fr.liaison.schemas.v1.KnownBarrier;
import fr.liaison.schemas.v1.LiaisonMessage;
import fr.liaison.schemas.v1.PersonIdentity;
import fr.liaison.schemas.v1.Referral;
import fr.liaison.schemas.v1.SharedDiagnosis;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The categories of personal data a message's body actually contains, which its header must
 * declare and its consent must cover:
 * <ul>
 * <li>names and birth date of the person: IDENTITY (the France Travail identifier alone is the
 * consent's subject key and no category);</li>
 * <li>each barrier present, with its comment or sensitive detail: BARRIER_x;</li>
 * <li>healthDetail: HEALTH_DETAIL;</li>
 * <li>employmentSituation, and the exit reason of an ended accompaniment: EMPLOYMENT_SITUATION.</li>
 * </ul>
 * Consents, revocations and resource directory entries carry none.
 */
public final class DataCategories {

    private DataCategories() {
    }

    /** A new modifiable set; empty for a message without personal data. */
    public static Set<DataCategory> of(LiaisonMessage message) {
        Set<DataCategory> found = EnumSet.noneOf(DataCategory.class);
        if (message instanceof Referral r) {
            if (hasIdentity(r.getPerson())) {
                found.add(DataCategory.IDENTITY);
            }
            for (KnownBarrier b : nonNull(r.getBarriers())) {
                addBarrier(found, b == null ? null : b.getCategory());
            }
        } else if (message instanceof SharedDiagnosis d) {
            if (d.getEmploymentSituation() != null) {
                found.add(DataCategory.EMPLOYMENT_SITUATION);
            }
            for (DiagnosedBarrier b : nonNull(d.getBarriers())) {
                addBarrier(found, b == null ? null : b.getCategory());
            }
            if (d.getHealthDetail() != null) {
                found.add(DataCategory.HEALTH_DETAIL);
            }
        } else if (message instanceof FollowUpEvent e && e.getExitReason() != null) {
            found.add(DataCategory.EMPLOYMENT_SITUATION);
        }
        return found;
    }

    /** The data category that covers a barrier category: BARRIER_ + its name. */
    public static DataCategory of(BarrierCategory barrier) {
        return DataCategory.fromValue("BARRIER_" + barrier.value());
    }

    private static boolean hasIdentity(PersonIdentity p) {
        return p != null && (p.getLastName() != null || p.getFirstName() != null || p.getBirthDate() != null);
    }

    private static void addBarrier(Set<DataCategory> found, BarrierCategory category) {
        if (category != null) {
            found.add(of(category));
        }
    }

    private static <T> List<T> nonNull(List<T> list) {
        return list == null ? Collections.emptyList() : list;
    }
}
