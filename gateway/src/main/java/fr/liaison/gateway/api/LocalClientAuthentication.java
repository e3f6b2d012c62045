package fr.liaison.gateway.api;

import fr.liaison.schemas.error.ErrorCode;
import fr.liaison.schemas.error.LiaisonException;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.util.Optional;

import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

import tools.jackson.databind.json.JsonMapper;

/**
 * {@code Authorization: Bearer <token>} on every {@code /api/} request; anything else gets 401
 * and nothing more. The client's name is then the actor of what it does.
 */
@Component
class LocalClientAuthentication extends OncePerRequestFilter {

    static final String CLIENT_ATTRIBUTE = "liaison.client";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final LocalClients clients;

    LocalClientAuthentication(LocalClients clients) {
        this.clients = clients;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !request.getRequestURI().startsWith("/api/");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String header = request.getHeader("Authorization");
        Optional<String> client = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)
                ? clients.authenticate(header.substring(7).strip()) : Optional.empty();
        if (client.isEmpty()) {
            response.setStatus(HttpServletResponse.SC_UNAUTHORIZED);
            response.setHeader("WWW-Authenticate", "Bearer realm=\"liaison\"");
            response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
            JSON.writeValue(response.getOutputStream(),
                    Problems.body(new LiaisonException(ErrorCode.API_UNAUTHENTICATED, (String) null), request.getRequestURI()));
            return;
        }
        request.setAttribute(CLIENT_ATTRIBUTE, client.get());
        chain.doFilter(request, response);
    }
}
