package fr.liaison.gateway.referral;

import fr.liaison.gateway.api.ListLimit;
import fr.liaison.routes.lifecycle.Referral;
import fr.liaison.routes.lifecycle.ReferralState;
import fr.liaison.routes.lifecycle.ReferralStore;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The referrals this node follows, with their state and dates: for the local software and the indicators. */
@RestController
@RequestMapping("/api/v1/referrals")
class ReferralsController {

    private final ReferralStore referrals;

    ReferralsController(ReferralStore referrals) {
        this.referrals = referrals;
    }

    @GetMapping(produces = MediaType.APPLICATION_JSON_VALUE)
    List<Map<String, Object>> list(@RequestParam(required = false) ReferralState state, @RequestParam(defaultValue = "100") int limit) {
        return referrals.list(state, ListLimit.checked(limit)).stream().map(ReferralsController::describe).toList();
    }

    static Map<String, Object> describe(Referral r) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("referralId", r.referralId());
        view.put("role", r.role());
        view.put("counterpart", r.counterpart());
        view.put("purpose", r.purpose());
        view.put("convention", r.conventionId());
        view.put("state", r.state());
        view.put("sentAt", r.sentAt().toString());
        view.put("answeredAt", r.answeredAt() == null ? null : r.answeredAt().toString());
        view.put("firstAppointment", r.firstAppointment() == null ? null : r.firstAppointment().toString());
        view.put("exitReason", r.exitReason());
        view.put("dueAt", r.dueAt().toString());
        view.put("reminders", r.reminders());
        view.put("updatedAt", r.updatedAt().toString());
        return view;
    }
}
