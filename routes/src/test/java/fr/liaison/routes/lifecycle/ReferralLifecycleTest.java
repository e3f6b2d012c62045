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
import fr.liaison.schemas.v1.ExitReason;
import fr.liaison.schemas.v1.FollowUpEvent;
import fr.liaison.schemas.v1.FollowUpEventType;
import fr.liaison.schemas.v1.LiaisonMessage;
import fr.liaison.schemas.v1.ParticipantKind;
import fr.liaison.schemas.v1.Purpose;
import fr.liaison.schemas.v1.ReferralDecision;
import fr.liaison.schemas.v1.ReferralResponse;
import fr.liaison.schemas.v1.Reorientation;

import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.UUID;

import org.junit.jupiter.api.Test;

/**
 * One referral CCAS-29232 -> FT-29, followed on both nodes with a clock the test moves; and an
 * Axe 3 reorientation FT-25 -> CD-25 with the follow-up events each party may send.
 */
class ReferralLifecycleTest {

    private static final MessageCodec CODEC = MessageCodec.v1();

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-23T09:00:00Z"));
    private final InMemoryReferralStore atCcas = new InMemoryReferralStore();
    private final InMemoryReferralStore atFt = new InMemoryReferralStore();
    private final ReferralLifecycle ccas = new ReferralLifecycle(atCcas, clock, DevNetwork::directory, "CCAS-29232");
    private final ReferralLifecycle ft = new ReferralLifecycle(atFt, clock, DevNetwork::directory, "FT-29");
    private final InMemoryReferralStore atFt25 = new InMemoryReferralStore();
    private final InMemoryReferralStore atCd25 = new InMemoryReferralStore();
    private final ReferralLifecycle ft25 = new ReferralLifecycle(atFt25, clock, DevNetwork::directory, "FT-25");
    private final ReferralLifecycle cd25 = new ReferralLifecycle(atCd25, clock, DevNetwork::directory, "CD-25");

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

    // ------------------------------------------------------------------ follow-up events, Axe 3

    /** FT-25 re-orients a person to CD-25: the referral, checked and recorded on both nodes. */
    private String reorient() throws Exception {
        var referral = sample("referral.xml", fr.liaison.schemas.v1.Referral.class, "FT-25", "CD-25", null);
        referral.getHeader().setPurpose(Purpose.ACCOMPAGNEMENT_SOCIAL);
        exchange(referral, ft25, cd25);
        return referral.getHeader().getMessageId();
    }

    private FollowUpEvent event(String sender, String recipient, String referralId, FollowUpEventType type) throws Exception {
        FollowUpEvent event = sample("follow-up-event.xml", FollowUpEvent.class, sender, recipient, referralId);
        event.getHeader().setPurpose(Purpose.ACCOMPAGNEMENT_SOCIAL);
        event.setEventType(type);
        event.setExitReason(type == FollowUpEventType.ACCOMPANIMENT_ENDED ? ExitReason.REORIENTATION_SOCIALE : null);
        if (type == FollowUpEventType.REORIENTATION) {
            Reorientation target = new Reorientation();
            target.setTargetKind(ParticipantKind.DEPARTEMENT);
            target.setTargetParticipant("CD-25");
            event.setReorientation(target);
        } else {
            event.setReorientation(null);
        }
        return event;
    }

    /** What each node does: the sender checks and records the message, then the recipient. */
    private static void exchange(LiaisonMessage message, ReferralLifecycle sender, ReferralLifecycle recipient) {
        sender.check(message);
        sender.record(message);
        recipient.check(message);
        recipient.record(message);
    }

    private ReferralState stateAt(InMemoryReferralStore store, String id) {
        return store.list(null, 100).stream().filter(r -> r.referralId().equals(id)).findFirst().orElseThrow().state();
    }

    @Test
    void franceTravailClosesItsSideWhileTheDepartmentAcceptsStartsAndEndsTheAccompaniment() throws Exception {
        String id = reorient();
        exchange(event("FT-25", "CD-25", id, FollowUpEventType.REORIENTATION), ft25, cd25);
        exchange(event("FT-25", "CD-25", id, FollowUpEventType.ACCOMPANIMENT_ENDED), ft25, cd25); // FT's side closed
        assertThat(stateAt(atFt25, id)).isEqualTo(ReferralState.SENT); // still awaiting the department's answer
        assertThat(stateAt(atCd25, id)).isEqualTo(ReferralState.RECEIVED);

        ReferralResponse accepted = sample("referral-response.xml", ReferralResponse.class, "CD-25", "FT-25", id);
        accepted.setDecision(ReferralDecision.ACCEPTED);
        exchange(accepted, cd25, ft25);
        exchange(event("CD-25", "FT-25", id, FollowUpEventType.TRIPARTITE_INTERVIEW_HELD), cd25, ft25);
        exchange(event("CD-25", "FT-25", id, FollowUpEventType.ACCOMPANIMENT_STARTED), cd25, ft25);
        exchange(event("CD-25", "FT-25", id, FollowUpEventType.FIRST_APPOINTMENT_SET), cd25, ft25); // late: stays STARTED
        assertThat(stateAt(atFt25, id)).isEqualTo(ReferralState.STARTED);
        assertThat(stateAt(atCd25, id)).isEqualTo(ReferralState.STARTED);

        FollowUpEvent ended = event("CD-25", "FT-25", id, FollowUpEventType.ACCOMPANIMENT_ENDED);
        ended.setExitReason(ExitReason.EMPLOI_DURABLE);
        exchange(ended, cd25, ft25);
        assertThat(atFt25.find(id, Referral.Role.SENDER).orElseThrow()).extracting(Referral::state, Referral::exitReason)
                .containsExactly(ReferralState.ENDED, "EMPLOI_DURABLE");
        assertThat(atCd25.find(id, Referral.Role.RECIPIENT).orElseThrow()).extracting(Referral::state, Referral::exitReason)
                .containsExactly(ReferralState.ENDED, "EMPLOI_DURABLE");

        FollowUpEvent afterTheEnd = event("FT-25", "CD-25", id, FollowUpEventType.TRIPARTITE_INTERVIEW_HELD);
        assertThat(codeOf(() -> ft25.check(afterTheEnd))).isEqualTo(ErrorCode.REFERRAL_FOLLOW_UP_OUT_OF_STATE);
        assertThat(codeOf(() -> cd25.check(afterTheEnd))).isEqualTo(ErrorCode.REFERRAL_FOLLOW_UP_OUT_OF_STATE);
    }

    @Test
    void theSenderMayNotReportTheRecipientsAccompanimentNorTheRecipientWithdraw() throws Exception {
        String id = reorient();
        ReferralResponse accepted = sample("referral-response.xml", ReferralResponse.class, "CD-25", "FT-25", id);
        accepted.setDecision(ReferralDecision.ACCEPTED);
        exchange(accepted, cd25, ft25);

        for (FollowUpEventType type : new FollowUpEventType[] {FollowUpEventType.FIRST_APPOINTMENT_SET,
                FollowUpEventType.ACCOMPANIMENT_STARTED}) {
            FollowUpEvent fromSender = event("FT-25", "CD-25", id, type);
            assertThat(codeOf(() -> ft25.check(fromSender))).as("%s at the sender", type).isEqualTo(ErrorCode.REFERRAL_FOLLOW_UP_NOT_ALLOWED);
            assertThat(codeOf(() -> cd25.check(fromSender))).as("%s at the recipient", type)
                    .isEqualTo(ErrorCode.REFERRAL_FOLLOW_UP_NOT_ALLOWED);
        }
        FollowUpEvent withdrawal = event("CD-25", "FT-25", id, FollowUpEventType.REFERRAL_WITHDRAWN);
        assertThat(codeOf(() -> cd25.check(withdrawal))).isEqualTo(ErrorCode.REFERRAL_FOLLOW_UP_NOT_ALLOWED);
        assertThat(codeOf(() -> ft25.check(withdrawal))).isEqualTo(ErrorCode.REFERRAL_FOLLOW_UP_NOT_ALLOWED);
        assertThat(stateAt(atFt25, id)).isEqualTo(ReferralState.ACCEPTED);
        assertThat(stateAt(atCd25, id)).isEqualTo(ReferralState.ACCEPTED);
    }

    @Test
    void theRecipientReportsTheAccompanimentOnlyOnceItAcceptedAndUntilItEnded() throws Exception {
        String id = reorient();
        for (FollowUpEventType type : new FollowUpEventType[] {FollowUpEventType.FIRST_APPOINTMENT_SET,
                FollowUpEventType.ACCOMPANIMENT_STARTED, FollowUpEventType.ACCOMPANIMENT_ENDED, FollowUpEventType.REORIENTATION}) {
            FollowUpEvent early = event("CD-25", "FT-25", id, type);
            assertThat(codeOf(() -> cd25.check(early))).as("%s before the answer", type).isEqualTo(ErrorCode.REFERRAL_FOLLOW_UP_OUT_OF_STATE);
            assertThat(codeOf(() -> ft25.check(early))).as("%s before the answer", type).isEqualTo(ErrorCode.REFERRAL_FOLLOW_UP_OUT_OF_STATE);
        }
        exchange(event("CD-25", "FT-25", id, FollowUpEventType.TRIPARTITE_INTERVIEW_HELD), cd25, ft25); // held while analysing it

        ReferralResponse refused = sample("referral-response.xml", ReferralResponse.class, "CD-25", "FT-25", id);
        refused.setDecision(ReferralDecision.REFUSED);
        exchange(refused, cd25, ft25);
        FollowUpEvent started = event("CD-25", "FT-25", id, FollowUpEventType.ACCOMPANIMENT_STARTED);
        assertThat(codeOf(() -> cd25.check(started))).isEqualTo(ErrorCode.REFERRAL_FOLLOW_UP_OUT_OF_STATE);
        FollowUpEvent closing = event("FT-25", "CD-25", id, FollowUpEventType.ACCOMPANIMENT_ENDED);
        assertThat(codeOf(() -> ft25.check(closing))).isEqualTo(ErrorCode.REFERRAL_FOLLOW_UP_OUT_OF_STATE);
        assertThat(stateAt(atCd25, id)).isEqualTo(ReferralState.REFUSED);
    }

    @Test
    void anEventNamingAnUnknownReferralOrAnotherPairsReferralIsRefusedAndOneNamingNoneIsNotAboutAReferral() throws Exception {
        String id = sendReferral(); // CCAS-29232 -> FT-29
        FollowUpEvent unknown = sample("follow-up-event.xml", FollowUpEvent.class, "FT-29", "CCAS-29232", UUID.randomUUID().toString());
        unknown.setEventType(FollowUpEventType.TRIPARTITE_INTERVIEW_HELD);
        unknown.setExitReason(null);
        assertThat(codeOf(() -> ft.check(unknown))).isEqualTo(ErrorCode.REFERRAL_UNKNOWN);

        FollowUpEvent fromCd = sample("follow-up-event.xml", FollowUpEvent.class, "CD-29", "CCAS-29232", id);
        fromCd.setEventType(FollowUpEventType.TRIPARTITE_INTERVIEW_HELD);
        fromCd.setExitReason(null);
        assertThat(codeOf(() -> ccas.check(fromCd))).isEqualTo(ErrorCode.REFERRAL_UNKNOWN);

        FollowUpEvent standalone = sample("follow-up-event.xml", FollowUpEvent.class, "FT-29", "CCAS-29232", null);
        ft.check(standalone);
        ft.record(standalone);
        assertThat(atFt.find(id, Referral.Role.RECIPIENT)).get().extracting(Referral::state).isEqualTo(ReferralState.RECEIVED);
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
