package fr.liaison.gateway.api;

import fr.liaison.gateway.config.LiaisonProperties;
import fr.liaison.schemas.error.ErrorCode;
import fr.liaison.schemas.error.LiaisonException;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.dao.DaoAuthenticationProvider;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.www.BasicAuthenticationEntryPoint;
import org.springframework.security.web.authentication.www.BasicAuthenticationFilter;

import tools.jackson.databind.json.JsonMapper;

/**
 * Who may do what. The institution's software: a bearer token, role LOCAL_CLIENT, the message,
 * consent and inbox APIs. Security officers: their own login, role OFFICER, the audit API — a
 * local client's token gets 403 there. The inter-node endpoint authenticates peers by mutual TLS
 * and the envelope's signature, so it is open at this layer; health is open for probes.
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {

    static final String LOCAL_CLIENT = "LOCAL_CLIENT";
    static final String OFFICER = "OFFICER";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /**
     * The SOAP service authenticates its clients itself (bearer, Basic or UsernameToken) so that every
     * refusal, its ?wsdl served to anyone, is a SOAP fault: no credential is looked at here, and
     * Basic credentials, which many toolkits send, never meet the officers' login.
     */
    @Bean
    @Order(0)
    SecurityFilterChain soap(HttpSecurity http) throws Exception {
        return http.securityMatcher("/soap/**")
                .csrf(csrf -> csrf.disable())
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .authorizeHttpRequests(requests -> requests.anyRequest().permitAll())
                .build();
    }

    @Bean
    @Order(2) // after the officers' pages (1), whose paths it would otherwise take
    SecurityFilterChain security(HttpSecurity http, LocalClients clients) throws Exception {
        BasicAuthenticationEntryPoint challenge = new BasicAuthenticationEntryPoint();
        challenge.setRealmName("liaison");
        http.csrf(csrf -> csrf.ignoringRequestMatchers("/api/**", "/exchange/**"))
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .authorizeHttpRequests(requests -> requests
                        // The error dispatch of a request already refused or failed: its answer is a problem, never a 401.
                        .dispatcherTypeMatchers(DispatcherType.ERROR).permitAll()
                        .requestMatchers("/exchange/**").permitAll()
                        .requestMatchers("/actuator/health", "/actuator/health/**").permitAll()
                        // The REST contract and the metrics carry no personal data; the local listener is loopback by default.
                        .requestMatchers("/v3/api-docs", "/v3/api-docs/**", "/actuator/prometheus").permitAll()
                        .requestMatchers("/api/v1/audit/**", "/api/v1/dead-letters/**").hasRole(OFFICER)
                        .requestMatchers("/api/**").hasRole(LOCAL_CLIENT)
                        .anyRequest().denyAll())
                .httpBasic(basic -> basic.realmName("liaison").authenticationEntryPoint((request, response, e) -> {
                    if (e instanceof OfficerLoginLockedException locked) {
                        response.setHeader(HttpHeaders.RETRY_AFTER, Long.toString(locked.retryAfterSeconds()));
                        RefusalAnswers.write(request, response, new LiaisonException(ErrorCode.API_LOGIN_THROTTLED, locked.getMessage()),
                                Problems.status(ErrorCode.API_LOGIN_THROTTLED).value(), false);
                    } else {
                        challenge.commence(request, response, e);
                    }
                }))
                .addFilterBefore(new CrossSiteBasicGuard(), BasicAuthenticationFilter.class)
                .addFilterBefore(new LocalClientAuthentication(clients), BasicAuthenticationFilter.class)
                .exceptionHandling(errors -> errors
                        .authenticationEntryPoint((request, response, e) -> problem(request, response, ErrorCode.API_UNAUTHENTICATED))
                        .accessDeniedHandler((request, response, e) -> problem(request, response, ErrorCode.API_FORBIDDEN)));
        return http.build();
    }

    /**
     * No observation of each security filter, authentication and authorisation: on every request they
     * cost more than the checks themselves, and the requests are already timed
     * ({@code http_server_requests}).
     */
    @Bean
    SecurityObservationSettings securityObservations() {
        return SecurityObservationSettings.noObservations();
    }

    @Bean
    PasswordEncoder passwordEncoder() {
        return PasswordEncoderFactories.createDelegatingPasswordEncoder();
    }

    /**
     * The officers' logins, form and HTTP Basic: their names and passwords from configuration (hashed
     * on load, never kept in clear), checked within the count of {@link OfficerLogins}. The one
     * authentication provider, so Spring Security's global authentication manager uses it and no other.
     */
    @Bean
    AuthenticationProvider officerAuthentication(LiaisonProperties properties, PasswordEncoder encoder, OfficerLogins logins) {
        DaoAuthenticationProvider passwords = new DaoAuthenticationProvider(officers(properties, encoder));
        passwords.setPasswordEncoder(encoder);
        return new ThrottledOfficerAuthentication(passwords, logins);
    }

    private static UserDetailsService officers(LiaisonProperties properties, PasswordEncoder encoder) {
        List<UserDetails> users = new ArrayList<>();
        if (properties.officers() != null) {
            for (LiaisonProperties.Officer officer : properties.officers()) {
                String password = officer.password();
                if (password == null && officer.passwordFile() != null) {
                    try {
                        password = Files.readString(officer.passwordFile(), StandardCharsets.UTF_8).strip();
                    } catch (IOException e) {
                        throw new UncheckedIOException("officer password " + officer.passwordFile(), e);
                    }
                }
                if (password == null || password.length() < 12) {
                    throw new IllegalStateException("officer " + officer.username() + ": a password of at least 12 characters is required");
                }
                users.add(User.withUsername(officer.username()).password(encoder.encode(password)).roles(OFFICER).build());
            }
        }
        return new InMemoryUserDetailsManager(users);
    }

    static void problem(HttpServletRequest request, HttpServletResponse response, ErrorCode code) throws IOException {
        response.setStatus(code == ErrorCode.API_UNAUTHENTICATED ? 401 : 403);
        if (code == ErrorCode.API_UNAUTHENTICATED) {
            response.setHeader("WWW-Authenticate", "Bearer realm=\"liaison\", Basic realm=\"liaison\"");
        }
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        JSON.writeValue(response.getOutputStream(), Problems.body(new LiaisonException(code, (String) null), request.getRequestURI()));
    }
}
