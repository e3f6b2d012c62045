package fr.liaison.gateway.soap;

import fr.liaison.gateway.api.RefusalAnswers;
import fr.liaison.schemas.error.ErrorCode;
import fr.liaison.schemas.error.LiaisonException;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.util.Locale;
import java.util.Set;

import org.springframework.boot.security.autoconfigure.web.servlet.SecurityFilterProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * What CXF would answer with an HTML page, a 500 or a logged stack trace, answered first with a
 * catalogue code: an address under {@code /soap} that is not the service (404 {@code GW-API-003}),
 * a GET that asks for neither the WSDL nor its schema, another method (405 {@code GW-API-010} with
 * {@code Allow}), a charset no decoder exists for (415 {@code GW-API-004}). A POST gets a SOAP
 * fault in the version its Content-Type declares; anything else problem+json.
 */
@Configuration(proxyBeanMethods = false)
class SoapRequestGuard {

    static final String SERVICE_PATH = "/soap" + SoapConfiguration.ADDRESS;
    /** The queries CXF answers with a document: the WSDL, and the message schema it imports. */
    private static final Set<String> DOCUMENTS = Set.of("wsdl", "wsdl=", "xsd=../xsd/v1/liaison-messages-v1.xsd");

    @Bean
    FilterRegistrationBean<OncePerRequestFilter> soapRequestGuardFilter() {
        FilterRegistrationBean<OncePerRequestFilter> registration = new FilterRegistrationBean<>(new Filter());
        registration.addUrlPatterns("/soap", "/soap/*");
        registration.setOrder(SecurityFilterProperties.DEFAULT_FILTER_ORDER + 2); // after the body size limit
        return registration;
    }

    private static final class Filter extends OncePerRequestFilter {

        @Override
        protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                throws ServletException, IOException {
            String path = request.getRequestURI().substring(request.getContextPath().length());
            boolean post = "POST".equals(request.getMethod());
            String query = request.getQueryString() == null ? null : request.getQueryString().toLowerCase(Locale.ROOT);
            boolean document = query != null && DOCUMENTS.contains(query);
            if (!path.equals(SERVICE_PATH)) {
                refuse(request, response, ErrorCode.API_NOT_FOUND, "the SOAP service is at " + SERVICE_PATH, 404, post);
            } else if ("GET".equals(request.getMethod()) && query != null && !document) {
                refuse(request, response, ErrorCode.API_NOT_FOUND, "GET serves ?wsdl and the schema it imports", 404, false);
            } else if (!post && !("GET".equals(request.getMethod()) && document)) {
                response.setHeader("Allow", document ? "GET" : "POST");
                refuse(request, response, ErrorCode.API_METHOD_NOT_ALLOWED,
                        document ? "allowed: GET" : "allowed: POST (the WSDL: GET ?wsdl)", 405, false);
            } else if (post && !knownCharset(request.getContentType())) {
                refuse(request, response, ErrorCode.API_UNSUPPORTED_MEDIA_TYPE, "the charset of the Content-Type is not supported", 415, true);
            } else {
                chain.doFilter(request, response);
            }
        }

        private static boolean knownCharset(String contentType) {
            try {
                if (contentType != null) {
                    MediaType.parseMediaType(contentType); // Spring checks a charset parameter as it parses
                }
                return true;
            } catch (InvalidMediaTypeException e) {
                return false;
            }
        }

        private static void refuse(HttpServletRequest request, HttpServletResponse response, ErrorCode code, String detail, int status,
                boolean soap) throws IOException {
            RefusalAnswers.write(request, response, new LiaisonException(code, detail), status, soap);
        }
    }
}
