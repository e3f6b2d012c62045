package fr.liaison.gateway.api;

import fr.liaison.schemas.error.ErrorCode;
import fr.liaison.schemas.error.LiaisonException;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;

import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Both listeners start taking connections before the routes run, and go on while the node stops: a
 * request in between would fail inside the node (a 500 and an ERROR line, at every restart). Until
 * the node is ready, and once it stops, every request but the probes is answered 503
 * {@code GW-NODE-003} with {@code Retry-After}: the local software and the sending nodes try again.
 */
@Configuration(proxyBeanMethods = false)
class ReadyForTraffic {

    static final long RETRY_AFTER_SECONDS = 5;

    @Bean
    FilterRegistrationBean<OncePerRequestFilter> readyForTrafficFilter(ApplicationAvailability availability) {
        FilterRegistrationBean<OncePerRequestFilter> registration = new FilterRegistrationBean<>(new Filter(availability));
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
        return registration;
    }

    private static final class Filter extends OncePerRequestFilter {

        private final ApplicationAvailability availability;

        Filter(ApplicationAvailability availability) {
            this.availability = availability;
        }

        @Override
        protected boolean shouldNotFilter(HttpServletRequest request) {
            return request.getRequestURI().startsWith("/actuator/");
        }

        @Override
        protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                throws ServletException, IOException {
            if (availability.getReadinessState() == ReadinessState.ACCEPTING_TRAFFIC) {
                chain.doFilter(request, response);
                return;
            }
            response.setHeader(HttpHeaders.RETRY_AFTER, Long.toString(RETRY_AFTER_SECONDS));
            response.setHeader(HttpHeaders.CONNECTION, "close"); // its body, if any, is not read
            RefusalAnswers.write(request, response, new LiaisonException(ErrorCode.NODE_NOT_READY, (String) null),
                    Problems.status(ErrorCode.NODE_NOT_READY).value(), LocalApiPaths.soap(request.getRequestURI()));
        }
    }
}
