package fr.liaison.gateway.officer;

import fr.liaison.gateway.audit.AuditReads;

import java.security.Principal;

import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ModelAttribute;

/** What every officer page shows in its header: this node and who is logged in. */
@ControllerAdvice(basePackageClasses = OfficerModel.class)
class OfficerModel {

    private final AuditReads reads;

    OfficerModel(AuditReads reads) {
        this.reads = reads;
    }

    @ModelAttribute("node")
    String node() {
        return reads.participantId();
    }

    @ModelAttribute("officerName")
    String officerName(Principal principal) {
        return principal == null ? null : principal.getName();
    }
}
