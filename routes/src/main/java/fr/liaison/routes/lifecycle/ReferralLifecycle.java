package fr.liaison.routes.lifecycle;

import fr.liaison.routes.directory.Convention;
import fr.liaison.routes.directory.Directory;
import fr.liaison.schemas.error.ErrorCode;
import fr.liaison.schemas.error.LiaisonException;
import fr.liaison.schemas.v1.FollowUpEvent;
import fr.liaison.schemas.v1.FollowUpEventType;
import fr.liaison.schemas.v1.LiaisonMessage;
import fr.liaison.schemas.v1.MessageHeader;
import fr.liaison.schemas.v1.ReferralResponse;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The life of a referral, enforced on both nodes: SENT / RECEIVED, then ACCEPTED, REFUSED or
 * MORE_INFORMATION_NEEDED from the answer, EXPIRED at the convention's deadline, then for an
 * accepted one FIRST_APPOINTMENT_SET, STARTED and ENDED from follow-up events. An answer must
 * correlate to a referral exchanged between the same two participants and still awaiting it; a
 * follow-up event correlated to a referral must come from a party that may send it, in a state
 * it may follow (see {@link #followUp}). Nothing is dropped silently: what does not fit is
 * refused with its code. The same rules run where a message leaves and where it arrives.
 */
public final class ReferralLifecycle {

    private final ReferralStore store;
    private final Clock clock;
    private final Supplier<Directory> directory;
    private final String self;

    public ReferralLifecycle(ReferralStore store, Clock clock, Supplier<Directory> directory, String self) {
        this.store = store;
        this.clock = clock;
        this.directory = directory;
        this.self = self;
    }

    /** Refuses an answer or event that the lifecycle does not allow; nothing is changed. */
    public void check(LiaisonMessage message) {
        transition(message, false);
    }

    /** Applies the message to the referral it starts or concerns, once it is accepted or received. */
    public void record(LiaisonMessage message) {
        transition(message, true);
    }

    private void transition(LiaisonMessage message, boolean apply) {
        MessageHeader header = message.getHeader();
        Instant now = clock.instant();
        if (message instanceof fr.liaison.schemas.v1.Referral) {
            if (apply) {
                start(header, now);
            }
            return;
        }
        if (header.getCorrelationId() == null) {
            return;
        }
        boolean outgoing = self.equals(header.getSender());
        String counterpart = outgoing ? header.getRecipient() : header.getSender();
        if (message instanceof FollowUpEvent event) {
            followUp(event, header.getCorrelationId(), outgoing, counterpart, now, apply);
        } else if (message instanceof ReferralResponse response) {
            // The responder follows the referral as its RECIPIENT, the referral's sender as SENDER.
            Referral.Role role = outgoing ? Referral.Role.RECIPIENT : Referral.Role.SENDER;
            Referral referral = store.find(header.getCorrelationId(), role).filter(r -> r.counterpart().equals(counterpart))
                    .orElseThrow(() -> unknown(header.getCorrelationId(), counterpart));
            if (referral.state() == ReferralState.EXPIRED) {
                throw new LiaisonException(ErrorCode.REFERRAL_EXPIRED, "expired at " + referral.dueAt());
            }
            if (!referral.state().awaitingAnswer()) {
                throw new LiaisonException(ErrorCode.REFERRAL_CLOSED, "referral is " + referral.state());
            }
            if (apply) {
                ReferralState next = ReferralState.valueOf(response.getDecision().name());
                store.update(referral.answered(next, response.getFirstAppointmentDate(), now));
            }
        }
    }

    /**
     * A follow-up event correlated to a referral, from one of its two parties:
     * <ul>
     * <li>the referral's <b>sender</b> withdraws it while it awaits its answer ({@code REFERRAL_WITHDRAWN});
     * while it is open (awaiting its answer or accompanied) it reports on its own side: {@code REORIENTATION},
     * {@code ACCOMPANIMENT_ENDED} (Axe 3: France Travail closes its side once it re-orients the person),
     * {@code TRIPARTITE_INTERVIEW_HELD}; none of these changes the referral's state;</li>
     * <li>the referral's <b>recipient</b>, once it accepted, reports the accompaniment it gives:
     * {@code FIRST_APPOINTMENT_SET}, {@code ACCOMPANIMENT_STARTED}, {@code ACCOMPANIMENT_ENDED} move the state
     * forward, {@code REORIENTATION} does not; {@code TRIPARTITE_INTERVIEW_HELD} while the referral is open.</li>
     * </ul>
     * Any other event from a party is refused ({@code GW-REFERRAL-004}), an allowed one in another
     * state too ({@code GW-REFERRAL-002} for a withdrawal, {@code GW-REFERRAL-005} otherwise).
     */
    private void followUp(FollowUpEvent event, String referralId, boolean outgoing, String counterpart, Instant now, boolean apply) {
        Referral referral = store.find(referralId, Referral.Role.SENDER).filter(r -> r.counterpart().equals(counterpart))
                .or(() -> store.find(referralId, Referral.Role.RECIPIENT).filter(r -> r.counterpart().equals(counterpart)))
                .orElseThrow(() -> unknown(referralId, counterpart));
        // This node's copy says who sent the referral: itself (SENDER) or the counterpart (RECIPIENT).
        boolean fromReferralSender = (referral.role() == Referral.Role.SENDER) == outgoing;
        FollowUpEventType type = event.getEventType();
        ReferralState state = referral.state();
        boolean open = state.awaitingAnswer() || state.accompanying();
        if (fromReferralSender) {
            switch (type) {
                case REFERRAL_WITHDRAWN -> {
                    if (!state.awaitingAnswer()) {
                        throw new LiaisonException(ErrorCode.REFERRAL_CLOSED, "only a referral awaiting its answer can be withdrawn; it is "
                                + state);
                    }
                    if (apply) {
                        store.update(referral.with(ReferralState.WITHDRAWN, now));
                    }
                }
                case REORIENTATION, ACCOMPANIMENT_ENDED, TRIPARTITE_INTERVIEW_HELD -> requireState(open, type, state);
                default -> throw notAllowed(type, "sender");
            }
            return;
        }
        switch (type) {
            case FIRST_APPOINTMENT_SET, ACCOMPANIMENT_STARTED, REORIENTATION -> {
                requireState(state.accompanying(), type, state);
                if (apply && type != FollowUpEventType.REORIENTATION) {
                    move(referral, type == FollowUpEventType.FIRST_APPOINTMENT_SET ? ReferralState.FIRST_APPOINTMENT_SET
                            : ReferralState.STARTED, now);
                }
            }
            case ACCOMPANIMENT_ENDED -> {
                requireState(state.accompanying(), type, state);
                if (apply) {
                    store.update(referral.ended(event.getExitReason() == null ? null : event.getExitReason().name(), now));
                }
            }
            case TRIPARTITE_INTERVIEW_HELD -> requireState(open, type, state);
            default -> throw notAllowed(type, "recipient");
        }
    }

    private static void requireState(boolean allowed, FollowUpEventType type, ReferralState state) {
        if (!allowed) {
            throw new LiaisonException(ErrorCode.REFERRAL_FOLLOW_UP_OUT_OF_STATE, type + " cannot follow a referral that is " + state);
        }
    }

    private static LiaisonException notAllowed(FollowUpEventType type, String party) {
        return new LiaisonException(ErrorCode.REFERRAL_FOLLOW_UP_NOT_ALLOWED, "the referral's " + party + " may not send " + type);
    }

    private static LiaisonException unknown(String referralId, String counterpart) {
        return new LiaisonException(ErrorCode.REFERRAL_UNKNOWN, "no referral " + referralId + " with " + counterpart);
    }

    /** Forward only: a first appointment set again once the accompaniment started leaves it STARTED. */
    private void move(Referral referral, ReferralState next, Instant now) {
        if (next.ordinal() > referral.state().ordinal()) {
            store.update(referral.with(next, now));
        }
    }

    private void start(MessageHeader header, Instant now) {
        boolean outgoing = self.equals(header.getSender());
        String counterpart = outgoing ? header.getRecipient() : header.getSender();
        Convention convention = directory.get().convention(header.getSender(), header.getRecipient(),
                header.getMessageType().name(), header.getPurpose() == null ? null : header.getPurpose().name(),
                now.atZone(ZoneOffset.UTC).toLocalDate());
        store.insert(new Referral(header.getMessageId(), outgoing ? Referral.Role.SENDER : Referral.Role.RECIPIENT, counterpart,
                header.getPurpose() == null ? null : header.getPurpose().name(), convention.id(),
                outgoing ? ReferralState.SENT : ReferralState.RECEIVED, now, null, null, null, now.plus(convention.expiry()),
                now.plus(convention.reminderEvery()), 0, now));
    }

    /** What a deadline run did to one referral, for the local software and the audit log. */
    public record Notice(Referral referral, Kind kind) {
        public enum Kind {
            REMINDER, EXPIRED
        }
    }

    /**
     * Applies every reminder and deadline due now: the recipient's side is reminded of an
     * unanswered referral every period; at the deadline both sides mark it EXPIRED.
     */
    public List<Notice> applyDeadlines() {
        Instant now = clock.instant();
        List<Notice> notices = new ArrayList<>();
        for (Referral referral : store.due(now)) {
            if (!referral.state().awaitingAnswer()) {
                continue;
            }
            if (!referral.dueAt().isAfter(now)) {
                Referral expired = referral.with(ReferralState.EXPIRED, now);
                store.update(expired);
                notices.add(new Notice(expired, Notice.Kind.EXPIRED));
            } else if (!referral.nextReminderAt().isAfter(now)) {
                Convention convention = directory.get().conventions().stream()
                        .filter(c -> c.id().equals(referral.conventionId())).findFirst().orElse(null);
                Instant next = referral.nextReminderAt().plus(convention == null ? java.time.Duration.ofDays(10) : convention.reminderEvery());
                Referral reminded = referral.reminded(next, now);
                store.update(reminded);
                if (referral.role() == Referral.Role.RECIPIENT) {
                    notices.add(new Notice(reminded, Notice.Kind.REMINDER));
                }
            }
        }
        return notices;
    }
}
