package fr.liaison.routes.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import fr.liaison.routes.testing.DevNetwork;
import fr.liaison.routes.testing.InMemoryReferralStore;
import fr.liaison.routes.testing.MutableClock;
import fr.liaison.schemas.MessageCodec;
import fr.liaison.schemas.MessageFormat;
import fr.liaison.schemas.error.ErrorCode;
import fr.liaison.schemas.error.LiaisonException;
import fr.liaison.schemas.v1.FollowUpEvent;
import fr.liaison.schemas.v1.FollowUpEventType;
import fr.liaison.schemas.v1.LiaisonMessage;
import fr.liaison.schemas.v1.ReferralDecision;
import fr.liaison.schemas.v1.ReferralResponse;

import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.UUID;

import org.junit.jupiter.api.Test;

/** One referral CCAS-29232 -> FT-29, followed on both nodes with a clock the test moves. */
class ReferralLifecycleTest {

    private static final MessageCodec CODEC = MessageCodec.v1();

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-23T09:00:00Z"));
    private final InMemoryReferralStore atCcas = new InMemoryReferralStore();
    private final InMemoryReferralStore atFt = new InMemoryReferralStore();
    private final ReferralLifecycle ccas = new ReferralLifecycle(atCcas, clock, DevNetwork::directory, "CCAS-29232");
    private final ReferralLifecycle ft = new ReferralLifecycle(atFt, clock, DevNetwork::directory, "FT-29");

    private <T extends LiaisonMessage> T sample(String file, Class<T> type, String sender, String recipient, String correlationId)
            throws Exception {
        LiaisonMessage message = CODEC.read(Files.readAllBytes(DevNetwork.samples().resolve("v1/valid/" + file)), MessageFormat.XML).message();
        message.getHeader().setMessageId(UUID.randomUUID().toString());
        message.getHeader().setCreatedAt(clock.instant().atOffset(ZoneOffset.UTC));
        message.getHeader().setSender(sender);
        message.getHeader().setRecipient(recipient);
        message.getHeader().setCorrelationId(correlationId);
        return type.cast(message);
    }

    private String sendReferral() throws Exception {
        var referral = sample("referral.xml", fr.liaison.schemas.v1.Referral.class, "CCAS-29232", "FT-29", null);
        ccas.check(referral);
        ccas.record(referral);
        ft.check(referral);
        ft.record(referral);
        return referral.getHeader().getMessageId();
    }

    private ReferralResponse response(String referralId, ReferralDecision decision) throws Exception {
        ReferralResponse response = sample("referral-response.xml", ReferralResponse.class, "FT-29", "CCAS-29232", referralId);
        response.setDecision(decision);
        return response;
    }

    private static ErrorCode codeOf(Runnable action) {
        try {
            action.run();
        } catch (LiaisonException e) {
            return e.code();
        }
        throw new AssertionError("expected a refusal");
    }

    @Test
    void followsTheReferralFromSentToEndedOnBothNodes() throws Exception {
        String id = sendReferral();
        assertThat(atCcas.find(id, Referral.Role.SENDER)).get().extracting(Referral::state).isEqualTo(ReferralState.SENT);
        assertThat(atFt.find(id, Referral.Role.RECIPIENT)).get().extracting(Referral::state).isEqualTo(ReferralState.RECEIVED);

        ReferralResponse accepted = response(id, ReferralDecision.ACCEPTED);
        ft.check(accepted);
        ft.record(accepted);
        ccas.check(accepted);
        ccas.record(accepted);
        for (FollowUpEventType type : new FollowUpEventType[] {FollowUpEventType.FIRST_APPOINTMENT_SET,
                FollowUpEventType.ACCOMPANIMENT_STARTED}) {
            FollowUpEvent event = sample("follow-up-event.xml", FollowUpEvent.class, "FT-29", "CCAS-29232", id);
            event.setEventType(type);
            event.setExitReason(null);
            event.setReorientation(null);
            ft.record(event);
            ccas.record(event);
        }

        assertThat(atCcas.find(id, Referral.Role.SENDER)).get().extracting(Referral::state).isEqualTo(ReferralState.STARTED);
        assertThat(atFt.find(id, Referral.Role.RECIPIENT)).get().extracting(Referral::state).isEqualTo(ReferralState.STARTED);
        assertThat(atCcas.find(id, Referral.Role.SENDER).orElseThrow().answeredAt()).isEqualTo(clock.instant());
    }

    @Test
    void remindsTheRecipientEveryTenDaysThenExpiresBothSidesAtThirtyDays() throws Exception {
        String id = sendReferral();

        clock.advance(Duration.ofDays(10));
        assertThat(ft.applyDeadlines()).singleElement().extracting(ReferralLifecycle.Notice::kind)
                .isEqualTo(ReferralLifecycle.Notice.Kind.REMINDER);
        assertThat(ccas.applyDeadlines()).isEmpty(); // the sender's side is not reminded
        clock.advance(Duration.ofDays(10));
        assertThat(ft.applyDeadlines()).hasSize(1);
        assertThat(atFt.find(id, Referral.Role.RECIPIENT).orElseThrow().reminders()).isEqualTo(2);

        clock.advance(Duration.ofDays(10));
        assertThat(ft.applyDeadlines()).singleElement().extracting(ReferralLifecycle.Notice::kind)
                .isEqualTo(ReferralLifecycle.Notice.Kind.EXPIRED);
        assertThat(ccas.applyDeadlines()).singleElement().extracting(ReferralLifecycle.Notice::kind)
                .isEqualTo(ReferralLifecycle.Notice.Kind.EXPIRED);
        assertThat(atCcas.find(id, Referral.Role.SENDER)).get().extracting(Referral::state).isEqualTo(ReferralState.EXPIRED);
        assertThat(codeOf(() -> ft.check(unchecked(() -> response(id, ReferralDecision.ACCEPTED)))))
                .isEqualTo(ErrorCode.REFERRAL_EXPIRED);
    }

    @Test
    void refusesAnAnswerFromAThirdParty() throws Exception {
        String id = sendReferral();
        ReferralResponse fromCd = sample("referral-response.xml", ReferralResponse.class, "CD-29", "CCAS-29232", id);

        assertThat(codeOf(() -> ccas.check(fromCd))).isEqualTo(ErrorCode.REFERRAL_UNKNOWN);
    }

    @Test
    void refusesAnAnswerToAnUnknownReferralAndASecondAnswer() throws Exception {
        String id = sendReferral();
        assertThat(codeOf(() -> ft.check(unchecked(() -> response(UUID.randomUUID().toString(), ReferralDecision.ACCEPTED)))))
                .isEqualTo(ErrorCode.REFERRAL_UNKNOWN);

        ReferralResponse refused = response(id, ReferralDecision.ACCEPTED);
        ft.record(refused);

        assertThat(codeOf(() -> ft.check(unchecked(() -> response(id, ReferralDecision.ACCEPTED)))))
                .isEqualTo(ErrorCode.REFERRAL_CLOSED);
    }

    @Test
    void theSenderMayWithdrawAPendingReferralButNotAnAnsweredOne() throws Exception {
        String id = sendReferral();
        FollowUpEvent withdrawal = sample("follow-up-event.xml", FollowUpEvent.class, "CCAS-29232", "FT-29", id);
        withdrawal.setEventType(FollowUpEventType.REFERRAL_WITHDRAWN);
        withdrawal.setExitReason(null);
        withdrawal.setReorientation(null);

        ccas.check(withdrawal);
        ccas.record(withdrawal);
        ft.check(withdrawal);
        ft.record(withdrawal);

        assertThat(atCcas.find(id, Referral.Role.SENDER)).get().extracting(Referral::state).isEqualTo(ReferralState.WITHDRAWN);
        assertThat(atFt.find(id, Referral.Role.RECIPIENT)).get().extracting(Referral::state).isEqualTo(ReferralState.WITHDRAWN);
        assertThat(codeOf(() -> ft.check(unchecked(() -> response(id, ReferralDecision.ACCEPTED))))).isEqualTo(ErrorCode.REFERRAL_CLOSED);
        assertThat(codeOf(() -> ccas.check(withdrawal))).isEqualTo(ErrorCode.REFERRAL_CLOSED);
    }

    private interface Maker<T> {
        T make() throws Exception;
    }

    private static <T> T unchecked(Maker<T> maker) {
        try {
            return maker.make();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
