package fr.liaison.gateway.api;

import fr.liaison.schemas.error.ErrorCode;
import fr.liaison.schemas.error.LiaisonException;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;

import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses, before any password is checked, a login naming an officer whose logins are locked
 * ({@link OfficerLogins}): on the login form, by sending the browser back to the form with
 * {@code ?locked}; with HTTP Basic, with 429 and {@code GW-API-013}. Either way with
 * {@code Retry-After}, so that a client knows when to try again.
 */
public final class OfficerLoginGuard extends OncePerRequestFilter {

    private final OfficerLogins logins;
    private final boolean form;

    private OfficerLoginGuard(OfficerLogins logins, boolean form) {
        this.logins = logins;
        this.form = form;
    }

    /** For the officers' login form (a POST to {@code /login}). */
    public static OfficerLoginGuard forLoginForm(OfficerLogins logins) {
        return new OfficerLoginGuard(logins, true);
    }

    /** For HTTP Basic on the officer API. */
    static OfficerLoginGuard forBasic(OfficerLogins logins) {
        return new OfficerLoginGuard(logins, false);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Optional<String> username = form ? formUsername(request) : basicUsername(request);
        Optional<Duration> locked = username.flatMap(logins::lockedFor);
        if (locked.isEmpty()) {
            chain.doFilter(request, response);
            return;
        }
        response.setHeader("Retry-After", Long.toString(Math.max(1, locked.get().toSeconds() + 1)));
        if (form) {
            response.sendRedirect(request.getContextPath() + "/login?locked");
        } else {
            RefusalAnswers.write(request, response, new LiaisonException(ErrorCode.API_LOGIN_THROTTLED, (String) null),
                    Problems.status(ErrorCode.API_LOGIN_THROTTLED).value(), false);
        }
    }

    private static Optional<String> formUsername(HttpServletRequest request) {
        if (!"POST".equals(request.getMethod()) || !"/login".equals(request.getServletPath())) {
            return Optional.empty();
        }
        return Optional.ofNullable(request.getParameter("username"));
    }

    /** The user name of {@code Authorization: Basic}; anything malformed is left to Spring Security's own filter. */
    private static Optional<String> basicUsername(HttpServletRequest request) {
        String header = request.getHeader("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
            return Optional.empty();
        }
        try {
            String decoded = new String(Base64.getDecoder().decode(header.substring(6).strip()), StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            return colon < 0 ? Optional.empty() : Optional.of(decoded.substring(0, colon));
        } catch (IllegalArgumentException notBase64) {
            return Optional.empty();
        }
    }
}
