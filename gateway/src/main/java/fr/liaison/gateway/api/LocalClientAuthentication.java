package fr.liaison.gateway.api;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.util.List;

import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * {@code Authorization: Bearer <token>}: a known token authenticates its local client (role
 * LOCAL_CLIENT), whose name is then the actor of what it does. Anything else is left to the
 * security chain, which answers 401.
 */
class LocalClientAuthentication extends OncePerRequestFilter {

    static final String CLIENT_ATTRIBUTE = "liaison.client";

    private final LocalClients clients;

    LocalClientAuthentication(LocalClients clients) {
        this.clients = clients;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        clients.fromBearer(request.getHeader("Authorization")).ifPresent(client -> {
            var authentication = UsernamePasswordAuthenticationToken.authenticated(client, null,
                    List.of(new SimpleGrantedAuthority("ROLE_" + SecurityConfiguration.LOCAL_CLIENT)));
            SecurityContextHolder.getContext().setAuthentication(authentication);
            request.setAttribute(CLIENT_ATTRIBUTE, client);
        });
        chain.doFilter(request, response);
    }
}
