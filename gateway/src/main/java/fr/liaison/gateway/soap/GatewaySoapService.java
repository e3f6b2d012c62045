package fr.liaison.gateway.soap;

import fr.liaison.gateway.api.ListLimit;
import fr.liaison.gateway.api.LocalRefusals;
import fr.liaison.gateway.config.BrokerDisk;
import fr.liaison.gateway.soap.v1.AcknowledgeMessage;
import fr.liaison.gateway.soap.v1.AcknowledgeMessageResponse;
import fr.liaison.gateway.soap.v1.ConsentSummary;
import fr.liaison.gateway.soap.v1.FetchMessage;
import fr.liaison.gateway.soap.v1.FetchMessageResponse;
import fr.liaison.gateway.soap.v1.GetMessageStatus;
import fr.liaison.gateway.soap.v1.GetMessageStatusResponse;
import fr.liaison.gateway.soap.v1.InboxEntry;
import fr.liaison.gateway.soap.v1.LiaisonFault;
import fr.liaison.gateway.soap.v1.LiaisonGatewayPortType;
import fr.liaison.gateway.soap.v1.ListInbox;
import fr.liaison.gateway.soap.v1.ListInboxResponse;
import fr.liaison.gateway.soap.v1.RecordConsent;
import fr.liaison.gateway.soap.v1.RecordConsentResponse;
import fr.liaison.gateway.soap.v1.RevokeConsent;
import fr.liaison.gateway.soap.v1.RevokeConsentResponse;
import fr.liaison.gateway.soap.v1.Step;
import fr.liaison.gateway.soap.v1.SubmitMessage;
import fr.liaison.gateway.soap.v1.SubmitMessageResponse;
import fr.liaison.routes.camel.ExchangeHeaders;
import fr.liaison.routes.consent.ConsentRecord;
import fr.liaison.routes.exchange.ConsentSteps;
import fr.liaison.routes.exchange.Direction;
import fr.liaison.routes.exchange.LocalDeliverySteps;
import fr.liaison.routes.exchange.MessageStatus;
import fr.liaison.routes.exchange.MessageStore;
import fr.liaison.routes.exchange.StoredMessage;
import fr.liaison.routes.resources.ResourcePublication;
import fr.liaison.schemas.MessageCodec;
import fr.liaison.schemas.error.ErrorCode;
import fr.liaison.schemas.error.LiaisonException;

import jakarta.jws.WebService;
import jakarta.xml.bind.JAXBElement;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

import javax.xml.XMLConstants;
import javax.xml.datatype.DatatypeConfigurationException;
import javax.xml.datatype.DatatypeFactory;
import javax.xml.datatype.XMLGregorianCalendar;
import javax.xml.stream.XMLStreamException;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.Transformer;
import javax.xml.transform.TransformerException;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;

import org.apache.camel.CamelExecutionException;
import org.apache.camel.ProducerTemplate;
import org.apache.cxf.phase.PhaseInterceptorChain;
import org.apache.cxf.staxutils.StaxUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.w3c.dom.Element;

/**
 * The SOAP face of the local API: each operation does what its REST twin does, through the same
 * steps and routes, so validation, consent, minimisation and error codes are identical. A message
 * arrives as an element of the message schema and goes, as its XML bytes, through the same
 * hardened codec as a REST submission (CXF's JAXB binding is never trusted to validate it).
 */
@WebService(endpointInterface = "fr.liaison.gateway.soap.v1.LiaisonGatewayPortType", targetNamespace = SoapFaults.NAMESPACE,
        serviceName = "LiaisonGatewayService", portName = "LiaisonGatewaySoap12Port", wsdlLocation = "classpath:wsdl/liaison-gateway-v1.wsdl")
class GatewaySoapService implements LiaisonGatewayPortType {

    private static final Logger LOG = LoggerFactory.getLogger(GatewaySoapService.class);
    private static final DatatypeFactory DATES;

    static {
        try {
            DATES = DatatypeFactory.newInstance();
        } catch (DatatypeConfigurationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final ProducerTemplate producer;
    private final MessageStore messages;
    private final ConsentSteps consents;
    private final LocalDeliverySteps delivery;
    private final MessageCodec codec;
    private final String forwardQueue;
    private final BrokerDisk disk;
    private final LocalRefusals refusals;
    private final ResourcePublication publication;

    GatewaySoapService(ProducerTemplate producer, MessageStore messages, ConsentSteps consents, LocalDeliverySteps delivery,
            MessageCodec codec, String forwardQueue, BrokerDisk disk, LocalRefusals refusals, ResourcePublication publication) {
        this.producer = producer;
        this.messages = messages;
        this.consents = consents;
        this.delivery = delivery;
        this.codec = codec;
        this.forwardQueue = forwardQueue;
        this.disk = disk;
        this.refusals = refusals;
        this.publication = publication;
    }

    @Override
    public SubmitMessageResponse submitMessage(SubmitMessage request) throws LiaisonFault {
        byte[] xml = xml(received(request.getAny()));
        List<String> ids = new ArrayList<>();
        try {
            disk.requireRoom(client());
            for (byte[] message : publication.copies(xml)) {
                ids.add(producer.requestBodyAndHeader("direct:outbound-submit", message, ExchangeHeaders.CLIENT, client(), String.class));
            }
        } catch (LiaisonException e) {
            throw SoapFaults.of(e);
        } catch (CamelExecutionException e) {
            throw fault(e);
        }
        SubmitMessageResponse response = new SubmitMessageResponse();
        response.setMessageId(ids.get(0));
        response.setStatus(MessageStatus.ACCEPTED.name());
        if (ids.size() > 1) {
            response.getCopyMessageId().addAll(ids); // a resource published to every participant its conventions name
        }
        return response;
    }

    @Override
    public GetMessageStatusResponse getMessageStatus(GetMessageStatus request) throws LiaisonFault {
        String messageId = required(request.getMessageId(), "messageId");
        StoredMessage message = messages.find(messageId, Direction.OUTBOUND)
                .or(() -> messages.find(messageId, Direction.INBOUND))
                .orElseThrow(() -> SoapFaults.of(ErrorCode.API_NOT_FOUND, "message " + messageId));
        GetMessageStatusResponse response = new GetMessageStatusResponse();
        response.setMessageId(message.messageId());
        response.setDirection(message.direction().name());
        response.setMessageType(message.messageType());
        response.setSender(message.sender());
        response.setRecipient(message.recipient());
        response.setCorrelationId(message.correlationId());
        response.setConsentId(message.consentId());
        response.setStatus(message.status().name());
        response.setErrorCode(message.errorCode());
        response.setCreatedAt(date(message.createdAt()));
        response.setUpdatedAt(date(message.updatedAt()));
        for (StoredMessage.Step history : message.history()) {
            Step step = new Step();
            step.setAt(date(history.at()));
            step.setStep(history.step());
            step.setErrorCode(history.errorCode());
            response.getStep().add(step);
        }
        return response;
    }

    /**
     * A parameter the operation needs. JAXB binds leniently (the message itself is validated by the
     * codec), so one in the wrong namespace or left out arrives as null: said so, not "not found".
     */
    private static String required(String value, String name) throws LiaisonFault {
        if (value == null || value.isBlank()) {
            throw SoapFaults.of(ErrorCode.API_BAD_REQUEST, name + " is required, as the element {" + SoapFaults.NAMESPACE + "}" + name);
        }
        return value.strip();
    }

    @Override
    public ListInboxResponse listInbox(ListInbox request) throws LiaisonFault {
        int limit;
        try {
            limit = request.getLimit() == null ? 100 : ListLimit.checked(request.getLimit());
        } catch (ListLimit.OutOfRange e) {
            throw SoapFaults.of(refusals.refused(new LiaisonException(ErrorCode.API_BAD_REQUEST, e.getMessage()), client()));
        }
        ListInboxResponse response = new ListInboxResponse();
        for (StoredMessage message : messages.inbox(limit)) {
            InboxEntry entry = new InboxEntry();
            entry.setMessageId(message.messageId());
            entry.setMessageType(message.messageType());
            entry.setSender(message.sender());
            entry.setCorrelationId(message.correlationId());
            entry.setReceivedAt(date(message.createdAt()));
            response.getEntry().add(entry);
        }
        return response;
    }

    @Override
    public FetchMessageResponse fetchMessage(FetchMessage request) throws LiaisonFault {
        String messageId = required(request.getMessageId(), "messageId");
        StoredMessage message = delivery.readable(messageId)
                .orElseThrow(() -> SoapFaults.of(ErrorCode.API_NOT_FOUND, "inbox message " + messageId));
        FetchMessageResponse response = new FetchMessageResponse();
        try {
            // The stored payload is this node's canonical XML; CXF's reader refuses DTDs all the same.
            response.setAny(StaxUtils.read(new ByteArrayInputStream(message.payload())).getDocumentElement());
        } catch (XMLStreamException e) {
            throw SoapFaults.of(ErrorCode.API_INTERNAL, null);
        }
        return response;
    }

    @Override
    public AcknowledgeMessageResponse acknowledgeMessage(AcknowledgeMessage request) throws LiaisonFault {
        String messageId = required(request.getMessageId(), "messageId");
        withMessageId(messageId, () -> {
            if (!delivery.acknowledge(messageId, client())) {
                throw new LiaisonException(ErrorCode.API_NOT_FOUND, "no unacknowledged inbox message " + messageId);
            }
        });
        return new AcknowledgeMessageResponse();
    }

    @Override
    public RecordConsentResponse recordConsent(RecordConsent request) throws LiaisonFault {
        byte[] xml = xml(received(request.getAny()));
        ConsentRecord record;
        try {
            record = consents.record(xml, client());
        } catch (LiaisonException e) {
            throw SoapFaults.of(refusals.refused(e, client()));
        }
        RecordConsentResponse response = new RecordConsentResponse();
        response.setConsent(summary(record));
        return response;
    }

    @Override
    public RevokeConsentResponse revokeConsent(RevokeConsent request) throws LiaisonFault {
        String consentId = required(request.getConsentId(), "consentId");
        List<byte[]> notices;
        ConsentRecord record;
        try {
            disk.requireRoom(client()); // the notices to the recipients are queued
            try {
                notices = consents.revoke(consentId, request.getReason(), client());
            } catch (LiaisonException refusal) {
                throw refusals.refused(refusal, client());
            }
            notices.forEach(notice -> producer.sendBody(forwardQueue, notice));
            record = consents.find(consentId);
        } catch (LiaisonException e) {
            throw SoapFaults.of(e);
        } catch (CamelExecutionException e) {
            throw fault(e);
        }
        RevokeConsentResponse response = new RevokeConsentResponse();
        response.setConsent(summary(record));
        response.setRevocationsSent(notices.size());
        return response;
    }

    // ---------------------------------------------------------------------------------------------

    /** The message element's own XML, namespaces included, as a REST client would have posted it. */
    private byte[] xml(Object any) throws LiaisonFault {
        if (any instanceof Element element) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try {
                TransformerFactory factory = TransformerFactory.newInstance();
                factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
                Transformer identity = factory.newTransformer();
                identity.setOutputProperty(OutputKeys.ENCODING, "UTF-8");
                identity.transform(new DOMSource(element), new StreamResult(out));
            } catch (TransformerException e) {
                LOG.debug("message element not serialisable", e);
                throw SoapFaults.of(ErrorCode.XML_MALFORMED, null);
            }
            return out.toByteArray();
        }
        if (any instanceof JAXBElement<?> element) {
            return codec.toXml(element.getValue());
        }
        if (any != null) {
            return codec.toXml(any);
        }
        throw SoapFaults.of(ErrorCode.SCHEMA_UNKNOWN_TYPE, "no message element in the request");
    }

    /** The message element as the client sent it (see {@link RawBodyCapture}); JAXB's binding only as a fallback. */
    private static Object received(Object bound) {
        Object operation = PhaseInterceptorChain.getCurrentMessage().getExchange().get(RawBodyCapture.OPERATION_ELEMENT);
        Element message = operation instanceof Element element ? RawBodyCapture.firstElement(element) : null;
        return message != null ? message : bound;
    }

    private static String client() {
        Object client = PhaseInterceptorChain.getCurrentMessage().getExchange().get(SoapAuthentication.CLIENT);
        if (client == null) {
            throw new IllegalStateException("SOAP request without an authenticated client");
        }
        return (String) client;
    }

    private static LiaisonFault fault(CamelExecutionException e) {
        if (e.getCause() instanceof LiaisonException refusal) {
            return SoapFaults.of(refusal);
        }
        LOG.error("{} in the SOAP service: {}", ErrorCode.API_INTERNAL.code(),
                e.getCause() == null ? e.getClass().getName() : e.getCause().getClass().getName());
        return SoapFaults.of(ErrorCode.API_INTERNAL, null);
    }

    private static void withMessageId(String messageId, Runnable action) throws LiaisonFault {
        try (MDC.MDCCloseable ignored = MDC.putCloseable("messageId", messageId)) {
            action.run();
        } catch (LiaisonException e) {
            throw SoapFaults.of(e);
        }
    }

    private static ConsentSummary summary(ConsentRecord record) {
        ConsentSummary summary = new ConsentSummary();
        summary.setConsentId(record.consentId());
        summary.setRecordedBy(record.recordedBy());
        summary.setPurpose(record.purpose());
        summary.getAllowedRecipient().addAll(new TreeSet<>(record.allowedRecipients()));
        summary.getAllowedCategory().addAll(new TreeSet<>(record.allowedCategories()));
        summary.setGrantedAt(date(record.grantedAt()));
        summary.setExpiresAt(date(record.expiresAt()));
        summary.setRevokedAt(record.revokedAt() == null ? null : date(record.revokedAt()));
        return summary;
    }

    private static XMLGregorianCalendar date(Instant instant) {
        return instant == null ? null : DATES.newXMLGregorianCalendar(instant.toString());
    }
}
