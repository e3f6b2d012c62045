package fr.liaison.gateway.officer;

import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;

/** The officers' login form; Spring Security handles the POST. */
@Controller
class LoginPage {

    @GetMapping("/login")
    String login() {
        return "officer/login";
    }
}
