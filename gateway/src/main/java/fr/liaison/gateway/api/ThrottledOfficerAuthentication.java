package fr.liaison.gateway.api;

import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;

/**
 * The officers' name-and-password check (login form and HTTP Basic), inside the count of
 * {@link OfficerLogins}: a locked name is refused before its password is looked at, and the name
 * counted is exactly the one checked, however the request spelt it.
 */
final class ThrottledOfficerAuthentication implements AuthenticationProvider {

    private final AuthenticationProvider passwords;
    private final OfficerLogins logins;

    ThrottledOfficerAuthentication(AuthenticationProvider passwords, OfficerLogins logins) {
        this.passwords = passwords;
        this.logins = logins;
    }

    @Override
    public Authentication authenticate(Authentication login) throws AuthenticationException {
        OfficerLogins.Attempt attempt = logins.begin(login.getName());
        boolean ended = false;
        try {
            Authentication authenticated = passwords.authenticate(login);
            if (authenticated != null) {
                ended = true;
                attempt.succeeded();
            }
            return authenticated;
        } catch (BadCredentialsException wrong) { // an unknown name too: the store does not tell them apart
            ended = true;
            attempt.failed();
            throw wrong;
        } finally {
            if (!ended) {
                attempt.abandoned(); // the check itself could not be made, whatever was thrown
            }
        }
    }

    @Override
    public boolean supports(Class<?> authentication) {
        return UsernamePasswordAuthenticationToken.class.isAssignableFrom(authentication);
    }
}
