package fr.liaison.gateway.api;

import fr.liaison.schemas.error.ErrorCode;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.net.URI;
import java.util.Locale;
import java.util.Set;

import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Cross-site request forgery on the officers' API: a browser that once took an officer's HTTP
 * Basic credentials (the API offers Basic) sends them again with any request another site makes it
 * send, and a form can POST cross-site. A browser says where such a request comes from
 * ({@code Origin}); a script or a command-line client sends none. So a state-changing request with
 * Basic credentials whose {@code Origin} is not this node's own address is refused (403
 * {@code GW-API-002}) before it is authenticated. Bearer tokens are never sent by a browser on its
 * own, so they need no such check.
 */
final class CrossSiteBasicGuard extends OncePerRequestFilter {

    private static final Set<String> SAFE = Set.of("GET", "HEAD", "OPTIONS", "TRACE");

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String authorization = request.getHeader("Authorization");
        String origin = request.getHeader("Origin");
        if (!SAFE.contains(request.getMethod()) && authorization != null
                // As Spring Security's Basic filter reads the header: trimmed, the scheme in any case.
                && authorization.trim().regionMatches(true, 0, "Basic", 0, 5) && origin != null && !sameOrigin(origin, request)) {
            SecurityConfiguration.problem(request, response, ErrorCode.API_FORBIDDEN);
            return;
        }
        chain.doFilter(request, response);
    }

    private static boolean sameOrigin(String origin, HttpServletRequest request) {
        try {
            URI from = URI.create(origin.strip());
            int port = from.getPort() != -1 ? from.getPort() : "https".equalsIgnoreCase(from.getScheme()) ? 443 : 80;
            return request.getScheme().equalsIgnoreCase(from.getScheme()) && port == request.getServerPort()
                    && from.getHost() != null && from.getHost().toLowerCase(Locale.ROOT).equals(request.getServerName().toLowerCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return false; // "null" (a sandboxed or privacy-sensitive context) or garbage: not this node
        }
    }
}
