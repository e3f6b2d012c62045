package fr.liaison.gateway.api;

import jakarta.servlet.http.HttpServletRequest;

import java.util.Collections;

import org.springframework.security.web.firewall.RequestRejectedException;

/**
 * Whether a request body comes with a content coding (gzip, deflate...). No endpoint takes one: a
 * body so coded is refused (415 {@code GW-API-004}) rather than read as XML or CMS and called
 * malformed.
 */
public final class ContentCodings {

    private ContentCodings() {
    }

    /** Any Content-Encoding line other than identity (a value the firewall refuses counts as one). */
    public static boolean present(HttpServletRequest request) {
        try {
            for (String coding : Collections.list(request.getHeaders("Content-Encoding"))) {
                for (String each : coding.split(",")) {
                    if (!each.isBlank() && !"identity".equalsIgnoreCase(each.strip())) {
                        return true;
                    }
                }
            }
            return false;
        } catch (RequestRejectedException unreadable) {
            return true;
        }
    }
}
