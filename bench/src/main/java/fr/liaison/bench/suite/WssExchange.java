package fr.liaison.bench.suite;

import jakarta.jws.WebMethod;
import jakarta.jws.WebParam;
import jakarta.jws.WebService;
import jakarta.xml.bind.annotation.XmlAccessType;
import jakarta.xml.bind.annotation.XmlAccessorType;
import jakarta.xml.bind.annotation.XmlAnyElement;
import jakarta.xml.bind.annotation.XmlType;

import org.w3c.dom.Element;

/**
 * The WS-Security baseline's service: one operation that takes a document (the same referral XML
 * Liaison carries, as an XML subtree of the SOAP body) and answers the SHA-256 of what it received,
 * the counterpart of Liaison's receipt.
 */
@WebService(targetNamespace = "urn:liaison:bench:wss", name = "DocumentExchange")
public interface WssExchange {

    @WebMethod
    String deliver(@WebParam(name = "envelope") Carrier envelope);

    /** A document carried as XML, not as text. */
    @XmlAccessorType(XmlAccessType.FIELD)
    @XmlType(name = "Carrier", namespace = "urn:liaison:bench:wss")
    class Carrier {

        @XmlAnyElement
        public Element document;

        public Carrier() {
        }

        public Carrier(Element document) {
            this.document = document;
        }
    }
}
