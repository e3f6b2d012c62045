package fr.liaison.gateway.officer;

import static fr.liaison.gateway.store.SqlTimes.time;

import fr.liaison.gateway.config.DirectoryHolder;
import fr.liaison.routes.directory.Participant;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Random;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * DEMO ONLY ({@code liaison.demo.seed-history=true}): when the node has no indicator facts yet,
 * inserts a synthetic history of the past six months — referrals sent and received, their
 * answers and first appointments, accompaniments started and ended, consents recorded and
 * revoked — so that the indicator charts mean something on a fresh demo node. The rows are facts
 * only (no message, no audit entry, no person) and are marked {@code synthetic}; the indicator
 * page says so whenever they are counted.
 */
@Component
@ConditionalOnProperty(name = "liaison.demo.seed-history", havingValue = "true")
class DemoHistorySeeder {

    private static final Logger LOG = LoggerFactory.getLogger(DemoHistorySeeder.class);
    private static final int MONTHS = 6;
    private static final String[] EXIT_REASONS = {"EMPLOI_DURABLE", "EMPLOI_TEMPORAIRE", "FORMATION", "CREATION_ENTREPRISE",
            "REORIENTATION_SOCIALE", "DEMENAGEMENT", "ABANDON"};

    private final JdbcClient jdbc;
    private final IndicatorFacts facts;
    private final DirectoryHolder directory;
    private final String self;
    private final Clock clock;

    DemoHistorySeeder(JdbcClient jdbc, IndicatorFacts facts, DirectoryHolder directory,
            @org.springframework.beans.factory.annotation.Value("${liaison.participant-id}") String self, Clock clock) {
        this.jdbc = jdbc;
        this.facts = facts;
        this.directory = directory;
        this.self = self;
        this.clock = clock;
    }

    @EventListener(ApplicationReadyEvent.class)
    @Transactional
    public void seed() {
        long existing = jdbc.sql("SELECT COUNT(*) FROM indicator_fact").query(Long.class).single()
                + jdbc.sql("SELECT COUNT(*) FROM indicator_consent_fact").query(Long.class).single();
        if (existing > 0) {
            return;
        }
        List<String> peers = directory.current().participants().stream().map(Participant::id).filter(id -> !id.equals(self)).toList();
        Random random = new Random(self.hashCode());
        Instant now = clock.instant();
        Instant start = now.atOffset(ZoneOffset.UTC).minusMonths(MONTHS - 1L).withDayOfMonth(1).toLocalDate().atStartOfDay()
                .toInstant(ZoneOffset.UTC);
        long span = Duration.between(start, now).toMinutes();
        int referrals = 0;
        for (int i = 0; i < 140; i++) {
            Instant at = start.plus(Duration.ofMinutes((long) (random.nextDouble() * span)));
            String peer = peers.get(random.nextInt(peers.size()));
            boolean sent = random.nextBoolean();
            String purpose = Indicators.PURPOSES.get(random.nextInt(10) < 6 ? 1 : random.nextInt(3));
            String referralId = UUID.randomUUID().toString();
            facts.insert(referralId, sent ? "OUTBOUND" : "INBOUND", "REFERRAL", sent ? self : peer, sent ? peer : self, null, purpose, at,
                    null, null, null, null, true);
            referrals++;
            int roll = random.nextInt(100);
            if (roll < 12) {
                continue; // unanswered
            }
            String decision = roll < 72 ? "ACCEPTED" : roll < 90 ? "REFUSED" : "MORE_INFORMATION_NEEDED";
            // Answers take from a few days to two months: a long tail, as the evaluations report.
            long answerHours = (long) (24 * Math.min(75, Math.abs(random.nextGaussian()) * 12 + random.nextInt(4)));
            Instant answeredAt = at.plus(Duration.ofHours(answerHours));
            if (answeredAt.isAfter(now)) {
                continue;
            }
            java.time.LocalDate appointment = "ACCEPTED".equals(decision)
                    ? answeredAt.atOffset(ZoneOffset.UTC).toLocalDate().plusDays(3 + random.nextInt(20)) : null;
            facts.insert(UUID.randomUUID().toString(), sent ? "INBOUND" : "OUTBOUND", "REFERRAL_RESPONSE", sent ? peer : self,
                    sent ? self : peer, referralId, purpose, answeredAt, decision, appointment, null, null, true);
            if (appointment != null && random.nextInt(100) < 80) {
                Instant started = appointment.atStartOfDay().toInstant(ZoneOffset.UTC).plus(Duration.ofHours(10));
                if (started.isBefore(now)) {
                    facts.insert(UUID.randomUUID().toString(), "OUTBOUND", "FOLLOW_UP_EVENT", self, peer, referralId, purpose, started,
                            null, null, "ACCOMPANIMENT_STARTED", null, true);
                    Instant ended = started.plus(Duration.ofDays(20 + random.nextInt(120)));
                    if (ended.isBefore(now) && random.nextInt(100) < 70) {
                        facts.insert(UUID.randomUUID().toString(), "OUTBOUND", "FOLLOW_UP_EVENT", self, peer, referralId, purpose, ended,
                                null, null, "ACCOMPANIMENT_ENDED", EXIT_REASONS[random.nextInt(EXIT_REASONS.length)], true);
                    }
                }
            }
        }
        for (int i = 0; i < 90; i++) {
            Instant granted = start.plus(Duration.ofMinutes((long) (random.nextDouble() * span)));
            Instant revoked = random.nextInt(100) < 10 ? granted.plus(Duration.ofDays(5 + random.nextInt(60))) : null;
            jdbc.sql("INSERT INTO indicator_consent_fact (purpose, granted_at, revoked_at) VALUES (?, ?, ?)")
                    .params(Indicators.PURPOSES.get(random.nextInt(3)), time(granted),
                            revoked == null || revoked.isAfter(now) ? null : time(revoked))
                    .update();
        }
        LOG.info("demo: seeded a synthetic indicator history of {} referrals over {} months (liaison.demo.seed-history)", referrals, MONTHS);
    }
}
