package fr.liaison.gateway.soap;

import fr.liaison.gateway.api.LocalClients;
import fr.liaison.gateway.api.LocalRefusals;
import fr.liaison.gateway.config.BrokerDisk;
import fr.liaison.gateway.config.EndpointProperties;
import fr.liaison.gateway.config.LiaisonProperties;
import fr.liaison.routes.exchange.ConsentSteps;
import fr.liaison.routes.exchange.LocalDeliverySteps;
import fr.liaison.routes.exchange.MessageStore;
import fr.liaison.routes.resources.ResourcePublication;
import fr.liaison.schemas.MessageCodec;

import java.time.Clock;

import javax.xml.namespace.QName;

import org.apache.camel.ProducerTemplate;
import org.apache.cxf.Bus;
import org.apache.cxf.frontend.WSDLGetUtils;
import org.apache.cxf.jaxws.EndpointImpl;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Publishes the SOAP service at {@code /soap/v1/gateway} ({@code cxf.path=/soap}) on the local API
 * listener, with the committed WSDL (schemas/src/main/resources/wsdl) as its contract and its
 * {@code ?wsdl}. The endpoint is bound to the WSDL's SOAP 1.2 port, which CXF lets answer SOAP
 * 1.1 envelopes too (a 1.1-bound endpoint would refuse 1.2); both ports share the address. Authentication and fault shaping are interceptors; the security filter chain
 * lets {@code /soap/**} through to them so that every refusal is a SOAP fault.
 */
@Configuration(proxyBeanMethods = false)
class SoapConfiguration {

    static final String ADDRESS = "/v1/gateway";
    /** {@code cxf.path} in application.properties. */
    static final String CXF_PATH = "/soap";

    @Bean
    GatewaySoapService gatewaySoapService(ProducerTemplate producer, MessageStore messages, ConsentSteps consents,
            LocalDeliverySteps delivery, MessageCodec codec, EndpointProperties endpoints, BrokerDisk disk, LocalRefusals refusals,
            ResourcePublication publication) {
        return new GatewaySoapService(producer, messages, consents, delivery, codec, endpoints.forwardQueue(), disk, refusals, publication);
    }

    @Bean
    EndpointImpl gatewaySoapEndpoint(Bus bus, GatewaySoapService service, LocalClients clients, LocalRefusals refusals, Clock clock,
            LiaisonProperties properties) {
        EndpointImpl endpoint = new EndpointImpl(bus, service);
        endpoint.setProperties(new java.util.HashMap<>());
        endpoint.setWsdlLocation("classpath:wsdl/liaison-gateway-v1.wsdl");
        endpoint.setServiceName(new QName(SoapFaults.NAMESPACE, "LiaisonGatewayService"));
        endpoint.setEndpointName(new QName(SoapFaults.NAMESPACE, "LiaisonGatewaySoap12Port"));
        // JAXB must not judge the message: the codec validates it from the raw element (RawBodyCapture).
        endpoint.getProperties().put("set-jaxb-validation-event-handler", Boolean.FALSE);
        // One endpoint answers both bindings: ?wsdl gives the node's own address to the SOAP 1.1 port too.
        endpoint.getProperties().put(WSDLGetUtils.AUTO_REWRITE_ADDRESS_ALL, Boolean.TRUE);
        // Behind a TLS proxy the request's own scheme and host are not what clients must call.
        String published = properties.localApi().publishedSoapUrl(CXF_PATH + ADDRESS);
        if (published != null) {
            endpoint.setPublishedEndpointUrl(published);
        }
        endpoint.getInInterceptors().add(new SoapVersionFromContentType());
        endpoint.getInInterceptors().add(new SoapBodyEncoding());
        endpoint.getInInterceptors().add(new EnvelopeWithBody());
        endpoint.getInInterceptors().add(new SoapAuthentication(clients, clock));
        endpoint.getInInterceptors().add(new RawBodyCapture(new OperationShapes(), refusals));
        endpoint.getOutInterceptors().add(new Utf8Answers());
        endpoint.getOutFaultInterceptors().add(new Utf8Answers());
        endpoint.getOutFaultInterceptors().add(new CatalogueFaults());
        endpoint.publish(ADDRESS);
        return endpoint;
    }
}
