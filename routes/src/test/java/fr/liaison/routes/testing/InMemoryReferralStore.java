package fr.liaison.routes.testing;

import fr.liaison.routes.lifecycle.Referral;
import fr.liaison.routes.lifecycle.ReferralState;
import fr.liaison.routes.lifecycle.ReferralStore;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Referrals in memory, for tests without a database. */
public final class InMemoryReferralStore implements ReferralStore {

    private final Map<String, Referral> referrals = new ConcurrentHashMap<>();

    private static String key(String id, Referral.Role role) {
        return id + "/" + role;
    }

    @Override
    public boolean insert(Referral referral) {
        return referrals.putIfAbsent(key(referral.referralId(), referral.role()), referral) == null;
    }

    @Override
    public void update(Referral referral) {
        referrals.put(key(referral.referralId(), referral.role()), referral);
    }

    @Override
    public Optional<Referral> find(String referralId, Referral.Role role) {
        return Optional.ofNullable(referrals.get(key(referralId, role)));
    }

    @Override
    public List<Referral> list(ReferralState state, int limit) {
        return referrals.values().stream().filter(r -> state == null || r.state() == state)
                .sorted(Comparator.comparing(Referral::sentAt).reversed()).limit(limit).toList();
    }

    @Override
    public List<Referral> due(Instant now) {
        return referrals.values().stream().filter(r -> r.state().awaitingAnswer())
                .filter(r -> !r.nextReminderAt().isAfter(now) || !r.dueAt().isAfter(now)).toList();
    }
}
