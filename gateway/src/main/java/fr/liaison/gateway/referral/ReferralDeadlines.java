package fr.liaison.gateway.referral;

import fr.liaison.gateway.cluster.OncePerPeriod;
import fr.liaison.routes.audit.AuditEntry;
import fr.liaison.routes.audit.AuditStep;
import fr.liaison.routes.audit.AuditTrail;
import fr.liaison.routes.exchange.LocalSoftware;
import fr.liaison.routes.lifecycle.Referral;
import fr.liaison.routes.lifecycle.ReferralLifecycle;
import fr.liaison.schemas.error.LiaisonException;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Runs the referral deadlines: reminders to the recipient's software while a referral is
 * unanswered, EXPIRED at the convention's deadline, each audited and, where the software takes
 * pushes, notified to it. Software that pulls sees them in {@code GET /api/v1/referrals}.
 */
@Component
public class ReferralDeadlines {

    static final String JOB = "referral-deadlines";

    private static final Logger LOG = LoggerFactory.getLogger(ReferralDeadlines.class);

    private final ReferralLifecycle lifecycle;
    private final AuditTrail audit;
    private final LocalSoftware software;
    private final Clock clock;

    private final OncePerPeriod once;
    private final Duration period;

    ReferralDeadlines(ReferralLifecycle lifecycle, AuditTrail audit, LocalSoftware software, Clock clock, OncePerPeriod once,
            @Value("${liaison.referral-deadline-check:PT1M}") Duration period) {
        this.once = once;
        this.period = period;
        this.lifecycle = lifecycle;
        this.audit = audit;
        this.clock = clock;
        this.software = software;
    }

    /** Every {@code liaison.referral-deadline-check}, once across the instances sharing the database. */
    @Scheduled(initialDelayString = "PT30S", fixedDelayString = "${liaison.referral-deadline-check:PT1M}")
    void scheduledRun() {
        once.run(JOB, period, this::run);
    }

    /** Applies what is due now; callable by tests that move the clock. */
    public List<ReferralLifecycle.Notice> run() {
        List<ReferralLifecycle.Notice> notices = lifecycle.applyDeadlines();
        for (ReferralLifecycle.Notice notice : notices) {
            Referral referral = notice.referral();
            boolean sender = referral.role() == Referral.Role.SENDER;
            audit.append(new AuditEntry(clock.instant(),
                    notice.kind() == ReferralLifecycle.Notice.Kind.EXPIRED ? AuditStep.REFERRAL_EXPIRED : AuditStep.REFERRAL_REMINDED,
                    referral.referralId(), null, "REFERRAL", sender ? null : referral.counterpart(), sender ? referral.counterpart() : null,
                    referral.purpose(), null, null, null, null, "node", null));
            if (software.pushes()) {
                String event = "{\"event\":\"REFERRAL_" + notice.kind() + "\",\"referralId\":\"" + referral.referralId()
                        + "\",\"state\":\"" + referral.state() + "\",\"dueAt\":\"" + referral.dueAt() + "\"}";
                try {
                    software.pushNotice(referral.referralId(), "REFERRAL_" + notice.kind(), event.getBytes(StandardCharsets.UTF_8));
                } catch (LiaisonException e) {
                    LOG.warn("{}: the notice of referral {} could not be pushed; it stays visible in /api/v1/referrals",
                            e.code().code(), referral.referralId());
                }
            }
        }
        return notices;
    }
}
