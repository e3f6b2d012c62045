package fr.liaison.gateway.config;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;

import org.apache.catalina.connector.Connector;
import org.apache.catalina.core.StandardHost;
import org.apache.tomcat.util.net.SSLHostConfig;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Two listeners: the inter-node endpoint is the server's main port, HTTPS with mutual TLS
 * ({@code server.ssl.*}); the local API for the institution's software is a second, plain HTTP
 * connector, on loopback unless configured otherwise, with its own timeout against slow clients
 * ({@code liaison.local-api.connection-timeout}; the main listener's is
 * {@code liaison.exchange-connection-timeout}). Each path is served on its own listener only.
 */
@Configuration(proxyBeanMethods = false)
class WebServerConfiguration {

    static final String EXCHANGE_PATH = "/exchange/";
    static final String EXCHANGE_TLS_PROTOCOLS = "TLSv1.3+TLSv1.2";
    static final String EXCHANGE_TLS_CIPHERS = String.join(",", "TLS_AES_256_GCM_SHA384", "TLS_AES_128_GCM_SHA256",
            "TLS_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

    @Bean
    WebServerFactoryCustomizer<TomcatServletWebServerFactory> localApiConnector(LiaisonProperties properties) {
        return factory -> {
            Connector connector = new Connector(TomcatServletWebServerFactory.DEFAULT_PROTOCOL);
            connector.setPort(properties.localApi().port());
            connector.setProperty("address", properties.localApi().address());
            // Slow clients: a request whose headers or body stall this long is dropped.
            connector.setProperty("connectionTimeout", String.valueOf(properties.localApi().connectionTimeout().toMillis()));
            UnreadBodyAdapter.install(connector);
            factory.addAdditionalConnectors(connector);
            // The main (inter-node) connector only: additional connectors are not customised.
            factory.addConnectorCustomizers(main -> {
                UnreadBodyAdapter.install(main);
                main.setProperty("connectionTimeout", String.valueOf(properties.exchangeConnectionTimeout().toMillis()));
                // TLS 1.3, and TLS 1.2 with forward secrecy and an AEAD cipher only (no CBC, no SHA-1 MAC, no RSA key exchange).
                for (SSLHostConfig tls : main.findSslHostConfigs()) {
                    tls.setProtocols(EXCHANGE_TLS_PROTOCOLS);
                    tls.setCiphers(EXCHANGE_TLS_CIPHERS);
                }
            });
            // Requests Tomcat refuses itself are answered as problems too (the host adds this valve at start).
            factory.addContextCustomizers(context -> ((StandardHost) context.getParent())
                    .setErrorReportValveClass(ProblemErrorReportValve.class.getName()));
        };
    }

    @Bean
    FilterRegistrationBean<OncePerRequestFilter> listenerSeparation(LiaisonProperties properties) {
        int localPort = properties.localApi().port();
        OncePerRequestFilter filter = new OncePerRequestFilter() {
            @Override
            protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                    throws ServletException, IOException {
                boolean exchangePath = request.getRequestURI().startsWith(EXCHANGE_PATH);
                boolean onLocalListener = request.getLocalPort() == localPort;
                if (exchangePath == onLocalListener) {
                    response.sendError(HttpServletResponse.SC_NOT_FOUND);
                    return;
                }
                chain.doFilter(request, response);
            }
        };
        FilterRegistrationBean<OncePerRequestFilter> registration = new FilterRegistrationBean<>(filter);
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
        return registration;
    }
}
