package fr.liaison.gateway.soap;

import java.nio.charset.StandardCharsets;

import org.apache.cxf.interceptor.Fault;
import org.apache.cxf.message.Message;
import org.apache.cxf.phase.AbstractPhaseInterceptor;
import org.apache.cxf.phase.Phase;

/**
 * Every answer in UTF-8, whatever charset the request came in: CXF would otherwise answer in the
 * request's, without an XML declaration to say so, which a client may not read (WS-I Basic Profile
 * R1012 allows UTF-8 or UTF-16 only).
 */
final class Utf8Answers extends AbstractPhaseInterceptor<Message> {

    Utf8Answers() {
        super(Phase.SETUP);
    }

    @Override
    public void handleMessage(Message message) throws Fault {
        message.put(Message.ENCODING, StandardCharsets.UTF_8.name());
    }
}
