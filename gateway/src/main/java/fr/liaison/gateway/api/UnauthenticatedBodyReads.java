package fr.liaison.gateway.api;

import fr.liaison.gateway.config.LiaisonProperties;
import fr.liaison.schemas.error.ErrorCode;
import fr.liaison.schemas.error.LiaisonException;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.security.autoconfigure.web.servlet.SecurityFilterProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Reads the bodies that must be read before their sender is known, at most
 * {@code liaison.local-api.max-unauthenticated-body-reads} at a time; one more is refused at once
 * with {@code GW-API-014} (HTTP 503, {@code Retry-After: 1}; a SOAP fault on the SOAP service).
 * Those bodies are:
 * <ul>
 * <li>a form ({@code application/x-www-form-urlencoded} POST: the officers' login and pages), whose
 * name and password, or anti-forgery token, the security chain reads from it;</li>
 * <li>a SOAP call that carries no valid bearer token or Basic credentials, whose credentials are
 * then the UsernameToken inside the envelope.</li>
 * </ul>
 * Reading a body blocks a listener thread until it is in: clients sending such bodies a byte at a
 * time, without any credential, could otherwise hold every thread of the local listener, the
 * institution's software's API included. With the cap they hold at most that many, and one address
 * at most {@value #MAX_READS_PER_ADDRESS} of them. Every other body is read only once its sender is
 * authenticated. The inter-node listener has neither forms nor SOAP: it is left alone.
 */
@Configuration(proxyBeanMethods = false)
class UnauthenticatedBodyReads {

    /** At most this many of the reads come from one address, so that one client cannot take them all. */
    static final int MAX_READS_PER_ADDRESS = 4;

    @Bean
    FilterRegistrationBean<OncePerRequestFilter> unauthenticatedBodyReadsFilter(LiaisonProperties properties, LocalClients clients) {
        FilterRegistrationBean<OncePerRequestFilter> registration = new FilterRegistrationBean<>(
                new Filter(properties.localApi(), clients));
        registration.setOrder(SecurityFilterProperties.DEFAULT_FILTER_ORDER - 1);
        return registration;
    }

    static final class Filter extends OncePerRequestFilter {

        private static final Logger LOG = LoggerFactory.getLogger(UnauthenticatedBodyReads.class);
        private static final long LOG_EVERY_NANOS = Duration.ofMinutes(1).toNanos();

        private final int localPort;
        private final int maxReads;
        private final int maxBodyBytes;
        private final LocalClients clients;
        private final Semaphore readers;
        private final ConcurrentHashMap<String, Integer> readsByAddress = new ConcurrentHashMap<>();
        private final AtomicLong lastLogged = new AtomicLong(System.nanoTime() - LOG_EVERY_NANOS);

        Filter(LiaisonProperties.LocalApi localApi, LocalClients clients) {
            this.localPort = localApi.port();
            this.maxReads = localApi.maxUnauthenticatedBodyReads();
            this.maxBodyBytes = localApi.maxBodyBytes();
            this.clients = clients;
            this.readers = new Semaphore(maxReads);
        }

        @Override
        protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                throws ServletException, IOException {
            boolean local = request.getLocalPort() == localPort;
            boolean form = local && formBody(request);
            boolean soap = local && !form && soapBodyWithoutCredentials(request);
            if (!form && !soap) {
                chain.doFilter(request, response);
                return;
            }
            String address = request.getRemoteAddr();
            if (!startRead(address)) {
                logRefusal();
                response.setHeader(HttpHeaders.RETRY_AFTER, "1");
                RefusalAnswers.write(request, response, new LiaisonException(ErrorCode.API_UNAUTHENTICATED_READS_BUSY,
                        "as many bodies of senders not yet known as the listener reads at once are still arriving"),
                        Problems.status(ErrorCode.API_UNAUTHENTICATED_READS_BUSY).value(), soap);
                return;
            }
            HttpServletRequest read = request;
            try {
                if (form) {
                    request.getParameterMap(); // the container reads and keeps the form's fields; later reads use them
                } else if (request.getContentLengthLong() <= maxBodyBytes) {
                    // One byte past the limit at most: the body size limit then refuses it as too large.
                    read = new BufferedBody(request, request.getInputStream().readNBytes(maxBodyBytes + 1));
                } // declared larger than the limit: refused unread by the body size limit
            } finally {
                endRead(address);
            }
            chain.doFilter(read, response);
        }

        /** One more read for this address, if neither the listener's cap nor the address's is reached. */
        private boolean startRead(String address) {
            if (!readers.tryAcquire()) {
                return false;
            }
            boolean[] taken = {false};
            readsByAddress.compute(address, (key, reads) -> {
                int now = reads == null ? 0 : reads;
                taken[0] = now < MAX_READS_PER_ADDRESS;
                return taken[0] ? now + 1 : reads;
            });
            if (!taken[0]) {
                readers.release();
            }
            return taken[0];
        }

        private void endRead(String address) {
            readsByAddress.computeIfPresent(address, (key, reads) -> reads > 1 ? reads - 1 : null);
            readers.release();
        }

        /**
         * A POST whose body the container parses into parameters: Tomcat does for POST only, and
         * compares the media type before any parameter, trimmed, in any case, whatever the charset.
         * Not on the API, where nothing reads a form before its client is authenticated (the audit
         * search's form is read once the officer's Basic credentials are checked).
         */
        private static boolean formBody(HttpServletRequest request) {
            String type = request.getContentType();
            if (!"POST".equals(request.getMethod()) || type == null || request.getContentLengthLong() == 0
                    || LocalApiPaths.rest(request.getRequestURI())) {
                return false;
            }
            int parameters = type.indexOf(';');
            return (parameters < 0 ? type : type.substring(0, parameters)).strip()
                    .equalsIgnoreCase(MediaType.APPLICATION_FORM_URLENCODED_VALUE);
        }

        /** A SOAP call whose credentials, if any, are inside its envelope. */
        private boolean soapBodyWithoutCredentials(HttpServletRequest request) {
            if (!"POST".equals(request.getMethod()) || !LocalApiPaths.soap(request.getRequestURI()) || request.getContentLengthLong() == 0) {
                return false;
            }
            String header = request.getHeader(HttpHeaders.AUTHORIZATION);
            return clients.fromBearer(header).isEmpty() && clients.fromBasic(header).isEmpty();
        }

        /** At most once a minute, so that a flood of refusals does not flood the log too. */
        private void logRefusal() {
            long now = System.nanoTime();
            long last = lastLogged.get();
            if (now - last >= LOG_EVERY_NANOS && lastLogged.compareAndSet(last, now)) {
                LOG.warn("bodies of senders not yet known refused (GW-API-014): {} are still arriving "
                        + "(liaison.local-api.max-unauthenticated-body-reads); slow senders?", maxReads);
            }
        }
    }
}
