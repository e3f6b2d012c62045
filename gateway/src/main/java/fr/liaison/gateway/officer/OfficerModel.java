package fr.liaison.gateway.officer;

import fr.liaison.gateway.audit.AuditReads;
import fr.liaison.gateway.config.BrokerDisk;

import java.security.Principal;

import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ModelAttribute;

/** What every officer page shows in its header: this node, who is logged in, and whether the node's disk is too full to take messages. */
@ControllerAdvice(basePackageClasses = OfficerModel.class)
class OfficerModel {

    private final AuditReads reads;
    private final BrokerDisk disk;

    OfficerModel(AuditReads reads, BrokerDisk disk) {
        this.reads = reads;
        this.disk = disk;
    }

    @ModelAttribute("diskFull")
    boolean diskFull() {
        return disk.full();
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
