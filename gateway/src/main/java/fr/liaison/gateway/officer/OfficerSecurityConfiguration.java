package fr.liaison.gateway.officer;

import fr.liaison.gateway.api.OfficerLoginLockedException;
import fr.liaison.gateway.api.OfficerLogins;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.SimpleUrlAuthenticationFailureHandler;

/**
 * The officer pages' own security chain, ahead of the API's: form login with the same officers
 * (role OFFICER) as the officer's API, a session, CSRF protection on every form. A local client's
 * bearer token means nothing here (it is not an officer's login): such a request is sent to the
 * login page like any anonymous one. Logins of an officer who failed too often are refused for a
 * while ({@link OfficerLogins}).
 */
@Configuration(proxyBeanMethods = false)
class OfficerSecurityConfiguration {

    static final String OFFICER = "OFFICER";

    @Bean
    @Order(1)
    SecurityFilterChain officerPages(HttpSecurity http) throws Exception {
        SimpleUrlAuthenticationFailureHandler wrongPassword = new SimpleUrlAuthenticationFailureHandler("/login?error");
        http.securityMatcher("/officer", "/officer/**", "/login", "/logout", "/css/**", "/js/**", "/favicon.ico")
                .authorizeHttpRequests(requests -> requests
                        .requestMatchers("/css/**", "/js/**", "/favicon.ico", "/login").permitAll()
                        .anyRequest().hasRole(OFFICER))
                .formLogin(form -> form.loginPage("/login").defaultSuccessUrl("/officer/audit", false)
                        .failureHandler((request, response, e) -> {
                            if (e instanceof OfficerLoginLockedException locked) {
                                response.setHeader(HttpHeaders.RETRY_AFTER, Long.toString(locked.retryAfterSeconds()));
                                response.sendRedirect(request.getContextPath() + (locked.busy() ? "/login?busy" : "/login?locked"));
                            } else {
                                wrongPassword.onAuthenticationFailure(request, response, e);
                            }
                        }))
                .logout(logout -> logout.logoutUrl("/logout").logoutSuccessUrl("/login?logout"))
                // Refusals (a form without its CSRF token, a page of another role) are answered here, plainly.
                .exceptionHandling(errors -> errors.accessDeniedHandler((request, response, e) -> {
                    response.setStatus(403);
                    response.setContentType("text/plain;charset=UTF-8");
                    response.getWriter().write("Forbidden. If you sent a form, reload its page and try again.\n");
                }))
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.IF_REQUIRED))
                .headers(headers -> headers.contentSecurityPolicy(csp -> csp.policyDirectives(
                        "default-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'")));
        return http.build();
    }
}
