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
 * Reads a form body ({@code application/x-www-form-urlencoded} POST: the officers' login and pages)
 * before the security chain does, at most {@code liaison.local-api.max-form-reads} at a time; one
 * more is refused at once with {@code GW-API-014} (HTTP 503, {@code Retry-After: 1}). The security
 * chain reads such a body before it knows who sent it (the login's name and password, every form's
 * anti-forgery token are in it), and reading blocks a listener thread until the body is in: clients
 * sending forms a byte at a time, without any credential, could otherwise hold every thread of the
 * local listener, the institution's software's API included. With the cap they hold at most that
 * many; the API's own bodies are read only after their client is authenticated.
 */
@Configuration(proxyBeanMethods = false)
class FormBodyReads {

    @Bean
    FilterRegistrationBean<OncePerRequestFilter> formBodyReadsFilter(LiaisonProperties properties) {
        FilterRegistrationBean<OncePerRequestFilter> registration = new FilterRegistrationBean<>(
                new Filter(properties.localApi().maxFormReads()));
        registration.setOrder(SecurityFilterProperties.DEFAULT_FILTER_ORDER - 1);
        return registration;
    }

    static final class Filter extends OncePerRequestFilter {

        private static final Logger LOG = LoggerFactory.getLogger(FormBodyReads.class);
        private static final long LOG_EVERY_NANOS = Duration.ofMinutes(1).toNanos();

        private final int maxReads;
        private final Semaphore readers;
        private final AtomicLong lastLogged = new AtomicLong(System.nanoTime() - LOG_EVERY_NANOS);

        Filter(int maxReads) {
            this.maxReads = maxReads;
            this.readers = new Semaphore(maxReads);
        }

        @Override
        protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                throws ServletException, IOException {
            if (!formBody(request)) {
                chain.doFilter(request, response);
                return;
            }
            if (!readers.tryAcquire()) {
                logRefusal();
                response.setHeader(HttpHeaders.RETRY_AFTER, "1");
                RefusalAnswers.write(request, response, new LiaisonException(ErrorCode.API_FORMS_BUSY,
                        "as many form bodies as the listener reads at once are still arriving"),
                        Problems.status(ErrorCode.API_FORMS_BUSY).value(), false);
                return;
            }
            try {
                request.getParameterMap(); // the container reads and keeps the form's fields; later reads use them
            } finally {
                readers.release();
            }
            chain.doFilter(request, response);
        }

        /** A POST whose body the container parses into parameters (as Tomcat does for POST only). */
        private static boolean formBody(HttpServletRequest request) {
            if (!"POST".equals(request.getMethod()) || request.getContentType() == null || request.getContentLengthLong() == 0) {
                return false;
            }
            try {
                return MediaType.APPLICATION_FORM_URLENCODED.equalsTypeAndSubtype(MediaType.parseMediaType(request.getContentType()));
            } catch (IllegalArgumentException e) {
                return false; // an unreadable type: nothing parses it as a form
            }
        }

        /** At most once a minute, so that a flood of refusals does not flood the log too. */
        private void logRefusal() {
            long now = System.nanoTime();
            long last = lastLogged.get();
            if (now - last >= LOG_EVERY_NANOS && lastLogged.compareAndSet(last, now)) {
                LOG.warn("form bodies refused (GW-API-014): {} are still arriving (liaison.local-api.max-form-reads); slow senders?",
                        maxReads);
            }
        }
    }
}
