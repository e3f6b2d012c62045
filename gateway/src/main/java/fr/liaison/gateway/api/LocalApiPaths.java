package fr.liaison.gateway.api;

/** Where the local API's two faces live on the local listener: REST under {@code /api/}, SOAP under {@code /soap/}. */
final class LocalApiPaths {

    private static final String API = "/api/";
    private static final String SOAP = "/soap/";

    private LocalApiPaths() {
    }

    static boolean rest(String requestUri) {
        return requestUri.startsWith(API);
    }

    static boolean soap(String requestUri) {
        return requestUri.startsWith(SOAP);
    }
}
