package fr.liaison.routes.audit;

import fr.liaison.schemas.v1.Consent;
import fr.liaison.schemas.v1.FollowUpEvent;
import fr.liaison.schemas.v1.LiaisonMessage;
import fr.liaison.schemas.v1.PersonIdentity;
import fr.liaison.schemas.v1.PersonRef;
import fr.liaison.schemas.v1.Referral;
import fr.liaison.schemas.v1.ReferralResponse;
import fr.liaison.schemas.v1.SharedDiagnosis;

import java.util.Optional;

/** Who a message is about. */
public final class Persons {

    private Persons() {
    }

    /**
     * The France Travail identifier of the person the message is about; empty for a message about
     * nobody (a resource directory entry, a consent revocation, which names only the consent).
     * The result is personal data: pseudonymise it before it goes anywhere.
     */
    public static Optional<String> franceTravailId(LiaisonMessage message) {
        if (message instanceof Referral r) {
            PersonIdentity p = r.getPerson();
            return Optional.ofNullable(p == null ? null : p.getFranceTravailId());
        }
        PersonRef ref = null;
        if (message instanceof ReferralResponse r) {
            ref = r.getPerson();
        } else if (message instanceof SharedDiagnosis d) {
            ref = d.getPerson();
        } else if (message instanceof FollowUpEvent e) {
            ref = e.getPerson();
        } else if (message instanceof Consent c) {
            ref = c.getPerson();
        }
        return Optional.ofNullable(ref == null ? null : ref.getFranceTravailId());
    }
}
