package fr.liaison.gateway.api;

import fr.liaison.gateway.config.LiaisonProperties;
import fr.liaison.routes.audit.AuditEntry;
import fr.liaison.routes.audit.AuditStep;
import fr.liaison.routes.audit.AuditTrail;
import fr.liaison.schemas.error.ErrorCode;
import fr.liaison.schemas.error.LiaisonException;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.time.Clock;

import org.springframework.boot.security.autoconfigure.web.servlet.SecurityFilterProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.MediaType;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses a local API request body above its listener's limit before it is read: one declaring a
 * larger {@code Content-Length} at once, one of unknown length (chunked) as soon as it passes the
 * limit (only that much is ever held). Without it a body is read whole into memory before any
 * check. The refusal is audited like any other, with the code the message check would give:
 * {@code GW-XML-003} or {@code GW-JSON-002}. A body with a content coding (gzip...) is refused the
 * same way, 415 {@code GW-API-004}, rather than read and called malformed. The inter-node endpoint does the same itself
 * ({@code ExchangeController}, {@code GW-ENVELOPE-006}), once it knows the peer.
 */
@Configuration(proxyBeanMethods = false)
class BodySizeLimit {

    private static final String EXCHANGE_PATH = "/exchange/";

    @Bean
    FilterRegistrationBean<OncePerRequestFilter> bodySizeLimitFilter(LiaisonProperties properties, AuditTrail audit, Clock clock) {
        FilterRegistrationBean<OncePerRequestFilter> registration = new FilterRegistrationBean<>(
                new Filter(properties, audit, clock));
        registration.setOrder(SecurityFilterProperties.DEFAULT_FILTER_ORDER + 1);
        return registration;
    }

    private static final class Filter extends OncePerRequestFilter {

        private final AuditTrail audit;
        private final Clock clock;
        private final String participantId;
        private final int limit;

        Filter(LiaisonProperties properties, AuditTrail audit, Clock clock) {
            this.audit = audit;
            this.clock = clock;
            this.participantId = properties.participantId();
            this.limit = properties.localApi().maxBodyBytes();
        }

        /** The inter-node endpoint bounds its envelopes itself, once it knows the peer (an outsider gets 403 unread). */
        @Override
        protected boolean shouldNotFilter(HttpServletRequest request) {
            return request.getRequestURI().startsWith(EXCHANGE_PATH);
        }

        @Override
        protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                throws ServletException, IOException {
            if (takesBody(request) && hasBody(request) && ContentCodings.present(request)) {
                refuse(request, response, ErrorCode.API_UNSUPPORTED_MEDIA_TYPE, "send the body without a content coding (Content-Encoding)");
                return;
            }
            long declared = request.getContentLengthLong();
            if (declared > limit) {
                refuse(request, response, tooLarge(request), declared + " bytes declared, limit " + limit);
                return;
            }
            // Any body of unknown length, whatever the spelling of its Transfer-Encoding ("chunked,"
            // is chunked to the container too).
            // Only where a body is taken (the API, whose clients are authenticated by now, and SOAP, whose
            // calls without credentials were read under UnauthenticatedBodyReads' cap): a body sent
            // anywhere else is never read, and its connection ends with the answer.
            if (declared < 0 && takesBody(request) && hasBody(request)) {
                byte[] body = request.getInputStream().readNBytes(limit + 1);
                if (body.length > limit) {
                    refuse(request, response, tooLarge(request), "more than " + limit + " bytes sent");
                    return;
                }
                chain.doFilter(new BufferedBody(request, body), response);
                return;
            }
            chain.doFilter(request, response);
        }

        private static boolean takesBody(HttpServletRequest request) {
            String path = request.getRequestURI();
            return LocalApiPaths.rest(path) || LocalApiPaths.soap(path);
        }

        private static boolean hasBody(HttpServletRequest request) {
            return request.getHeader("Transfer-Encoding") != null
                    || !("GET".equals(request.getMethod()) || "HEAD".equals(request.getMethod()) || "OPTIONS".equals(request.getMethod()));
        }

        private static ErrorCode tooLarge(HttpServletRequest request) {
            return MediaType.APPLICATION_JSON.isCompatibleWith(contentType(request)) ? ErrorCode.JSON_TOO_LARGE : ErrorCode.XML_TOO_LARGE;
        }

        private void refuse(HttpServletRequest request, HttpServletResponse response, ErrorCode code, String detail) throws IOException {
            Object client = request.getAttribute(LocalClientAuthentication.CLIENT_ATTRIBUTE);
            String actor = client == null ? "tls:" + request.getRemoteAddr() : client.toString();
            audit.append(new AuditEntry(clock.instant(), AuditStep.REFUSED, null, null, null, null, participantId, null,
                    null, null, null, code.code(), actor, null));
            // The rest of the body is never read: the connection ends with this answer.
            response.setHeader("Connection", "close");
            RefusalAnswers.write(request, response, new LiaisonException(code, detail), Problems.status(code).value(),
                    LocalApiPaths.soap(request.getRequestURI())); // a SOAP client reads a fault, in its own SOAP version
        }

        private static MediaType contentType(HttpServletRequest request) {
            try {
                return request.getContentType() == null ? MediaType.APPLICATION_XML : MediaType.parseMediaType(request.getContentType());
            } catch (IllegalArgumentException e) {
                return MediaType.APPLICATION_XML;
            }
        }
    }
}
