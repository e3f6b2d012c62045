package fr.liaison.routes.lifecycle;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Where a node keeps the referrals it follows; provided by the application (a database). */
public interface ReferralStore {

    /** Records a new referral; false if this node already follows one with that id and role. */
    boolean insert(Referral referral);

    void update(Referral referral);

    Optional<Referral> find(String referralId, Referral.Role role);

    /** Referrals in that state (all when null), newest first. */
    List<Referral> list(ReferralState state, int limit);

    /** Referrals awaiting an answer whose next reminder or deadline is at or before {@code now}. */
    List<Referral> due(Instant now);
}
