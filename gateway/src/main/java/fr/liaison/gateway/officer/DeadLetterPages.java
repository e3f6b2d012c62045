package fr.liaison.gateway.officer;

import fr.liaison.gateway.audit.AuditReads;
import fr.liaison.schemas.error.LiaisonException;

import java.security.Principal;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/** Failed outbound messages, with the reason and a re-submit button. */
@Controller
class DeadLetterPages {

    private final DeadLetters deadLetters;
    private final AuditReads reads;

    DeadLetterPages(DeadLetters deadLetters, AuditReads reads) {
        this.deadLetters = deadLetters;
        this.reads = reads;
    }

    @GetMapping("/officer/dead-letters")
    String list(Principal officer, Model model) {
        reads.recordRead(officer.getName(), "dead-letters");
        model.addAttribute("messages", deadLetters.failed(200));
        return "officer/dead-letters";
    }

    @PostMapping("/officer/dead-letters/{messageId}/resubmit")
    String resubmit(@PathVariable String messageId, Principal officer, RedirectAttributes redirect) {
        String notice;
        try {
            notice = deadLetters.resubmit(officer.getName(), messageId).explanation();
        } catch (LiaisonException e) {
            notice = "Message " + messageId + " was not re-submitted: " + e.code().code() + " " + e.code().message();
        }
        redirect.addFlashAttribute("notice", notice);
        return "redirect:/officer/dead-letters";
    }
}
