package fr.liaison.gateway.officer;

import fr.liaison.gateway.api.OfficerLoginProperties;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;

/** The officers' login form; Spring Security handles the POST. */
@Controller
class LoginPage {

    private final OfficerLoginProperties logins;

    LoginPage(OfficerLoginProperties logins) {
        this.logins = logins;
    }

    @GetMapping("/login")
    String login(Model model) {
        model.addAttribute("lockMinutes", Math.max(1, logins.lock().toMinutes()));
        return "officer/login";
    }
}
