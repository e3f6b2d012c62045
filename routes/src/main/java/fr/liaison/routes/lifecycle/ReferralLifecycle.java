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
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The life of a referral, enforced on both nodes: SENT / RECEIVED, then ACCEPTED, REFUSED or
 * MORE_INFORMATION_NEEDED from the answer, EXPIRED at the convention's deadline, then for an
 * accepted one FIRST_APPOINTMENT_SET, STARTED and ENDED from follow-up events. An answer must
 * correlate to a referral exchanged between the same two participants and still awaiting it.
 * The same rules run where a message leaves and where it arrives.
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
        // Which copy: the responder follows the referral as RECIPIENT, its sender as SENDER.
        boolean outgoing = self.equals(header.getSender());
        Referral.Role role = outgoing == (message instanceof ReferralResponse) ? Referral.Role.RECIPIENT : Referral.Role.SENDER;
        boolean withdrawal = message instanceof FollowUpEvent e && e.getEventType() == FollowUpEventType.REFERRAL_WITHDRAWN;
        if (message instanceof FollowUpEvent) {
            // Follow-up events come from the accompanying side (the referral's recipient) to its
            // sender; a withdrawal comes from the referral's sender.
            role = outgoing != withdrawal ? Referral.Role.RECIPIENT : Referral.Role.SENDER;
        }
        String counterpart = outgoing ? header.getRecipient() : header.getSender();
        Optional<Referral> found = store.find(header.getCorrelationId(), role).filter(r -> r.counterpart().equals(counterpart));
        if (withdrawal) {
            Referral referral = found.orElseThrow(() -> new LiaisonException(ErrorCode.REFERRAL_UNKNOWN,
                    "no referral " + header.getCorrelationId() + " with " + counterpart));
            if (!referral.state().awaitingAnswer()) {
                throw new LiaisonException(ErrorCode.REFERRAL_CLOSED, "only a referral awaiting its answer can be withdrawn; it is "
                        + referral.state());
            }
            if (apply) {
                store.update(referral.with(ReferralState.WITHDRAWN, now));
            }
        } else if (message instanceof ReferralResponse response) {
            Referral referral = found.orElseThrow(() -> new LiaisonException(ErrorCode.REFERRAL_UNKNOWN,
                    "no referral " + header.getCorrelationId() + " with " + counterpart));
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
        } else if (message instanceof FollowUpEvent event && found.isPresent() && apply) {
            Referral referral = found.get();
            switch (event.getEventType()) {
                case FIRST_APPOINTMENT_SET -> move(referral, ReferralState.FIRST_APPOINTMENT_SET, now);
                case ACCOMPANIMENT_STARTED -> move(referral, ReferralState.STARTED, now);
                case ACCOMPANIMENT_ENDED -> {
                    if (referral.state().accompanying()) {
                        store.update(referral.ended(event.getExitReason() == null ? null : event.getExitReason().name(), now));
                    }
                }
                default -> {
                    // a tripartite interview or a reorientation does not change the referral's state
                }
            }
        }
    }

    private void move(Referral referral, ReferralState next, Instant now) {
        if (referral.state().accompanying() && next.ordinal() > referral.state().ordinal()) {
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
