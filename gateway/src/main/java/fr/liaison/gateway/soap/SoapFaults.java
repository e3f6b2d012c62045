package fr.liaison.gateway.soap;

import fr.liaison.gateway.soap.v1.FaultDetail;
import fr.liaison.gateway.soap.v1.LiaisonFault;
import fr.liaison.schemas.error.ErrorCode;
import fr.liaison.schemas.error.LiaisonException;

import javax.xml.namespace.QName;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;

import org.w3c.dom.Document;
import org.w3c.dom.Element;

/** Catalogue codes as SOAP faults: every fault carries a {@code FaultDetail} (code, title, detail). */
final class SoapFaults {

    static final String NAMESPACE = "urn:liaison:gateway:v1";
    static final QName FAULT_DETAIL = new QName(NAMESPACE, "FaultDetail");

    private SoapFaults() {
    }

    /** The declared fault of every operation, for a refusal with a catalogue code. */
    static LiaisonFault of(LiaisonException e) {
        return of(e.code(), e.details().isEmpty() ? null : String.join("; ", e.details()));
    }

    static LiaisonFault of(ErrorCode code, String detail) {
        FaultDetail info = new FaultDetail();
        info.setCode(code.code());
        info.setTitle(code.message());
        info.setDetail(detail);
        return new LiaisonFault(faultString(code), info);
    }

    static String faultString(ErrorCode code) {
        return code.code() + ": " + code.message();
    }

    /** A {@code <detail>} element holding the FaultDetail, for faults raised outside the service. */
    static Element detail(ErrorCode code, String detail) {
        Document document;
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setNamespaceAware(true);
            document = factory.newDocumentBuilder().newDocument();
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException(e);
        }
        Element wrapper = document.createElementNS(null, "detail");
        Element info = document.createElementNS(NAMESPACE, "g:FaultDetail");
        info.setAttributeNS("http://www.w3.org/2000/xmlns/", "xmlns:g", NAMESPACE);
        append(info, "code", code.code());
        append(info, "title", code.message());
        if (detail != null) {
            append(info, "detail", detail);
        }
        wrapper.appendChild(info);
        document.appendChild(wrapper);
        return wrapper;
    }

    private static void append(Element parent, String name, String text) {
        Element child = parent.getOwnerDocument().createElementNS(NAMESPACE, "g:" + name);
        child.setTextContent(text);
        parent.appendChild(child);
    }
}
