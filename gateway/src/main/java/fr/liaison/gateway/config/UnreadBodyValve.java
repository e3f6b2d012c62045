package fr.liaison.gateway.config;

import jakarta.servlet.ServletException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ValveBase;
import org.apache.coyote.ActionCode;
import org.apache.tomcat.util.net.ApplicationBufferHandler;

/**
 * After an answer given without reading the whole request body (a refusal before authentication, an
 * unknown path, a body declared too large), closes the connection instead of letting Tomcat wait for
 * the rest of the body. Tomcat otherwise reads and discards what is left before the next request,
 * with blocking reads on one of its worker threads: a client that trickled a byte within every
 * connection timeout held that thread for as long as it liked, without any credential, and some two
 * hundred such connections froze the listener.
 * <p>
 * What has already arrived is read first, without waiting, so that a client that sent its whole
 * request keeps its connection and reads the answer in full (closing on unread bytes would reset the
 * connection, and the client could lose the answer); only a body still to come ends the connection
 * once the answer is sent. A chunked body is not read here (reading a chunk may have to wait for
 * its end): its connection ends with the answer.
 */
final class UnreadBodyValve extends ValveBase {

    /** At most this much of an unread body is read and discarded before the connection is closed instead. */
    static final int MAX_DISCARDED_BYTES = 2 * 1024 * 1024;

    UnreadBodyValve() {
        super(true);
    }

    @Override
    public void invoke(Request request, Response response) throws IOException, ServletException {
        getNext().invoke(request, response);
        if (request.isAsync() || bodyFullyRead(request)) {
            return; // an asynchronous request ends later; a body read in full leaves nothing to wait for
        }
        if (request.getContentLengthLong() < 0 || !discardWhatHasArrived(request.getCoyoteRequest())) {
            // Tomcat's own way to refuse an upload it will not read: the answer is sent, then the connection closed.
            request.getCoyoteRequest().action(ActionCode.DISABLE_SWALLOW_INPUT, null);
        }
    }

    /**
     * Reads and discards the body's bytes already received; true if the whole body has arrived.
     * Once what is buffered covers the rest of the body, Tomcat's own discard finishes it without
     * waiting; reading here stops before that, so that nothing past the body (a pipelined request)
     * is ever taken. It reads through Tomcat's request: the application's stream may be closed.
     */
    private static boolean discardWhatHasArrived(org.apache.coyote.Request body) {
        Discarded into = new Discarded();
        long discarded = 0;
        try {
            while (discarded <= MAX_DISCARDED_BYTES) {
                long remaining = body.getContentLengthLong() - body.getBytesRead();
                int available = available(body);
                if (remaining <= 0 || available >= remaining) {
                    return true;
                }
                if (available <= 0) {
                    return false; // the rest is still to come
                }
                int read = body.doRead(into);
                if (read < 0) {
                    return true;
                }
                discarded += read;
            }
        } catch (IOException e) {
            return false; // the client went away: nothing to keep
        }
        return false;
    }

    /** The body's bytes that can be read without waiting (Tomcat reads the socket without blocking to tell). */
    private static int available(org.apache.coyote.Request body) {
        body.action(ActionCode.AVAILABLE, Boolean.TRUE);
        return body.getAvailable();
    }

    private static boolean bodyFullyRead(Request request) {
        AtomicBoolean fullyRead = new AtomicBoolean();
        request.getCoyoteRequest().action(ActionCode.REQUEST_BODY_FULLY_READ, fullyRead);
        return fullyRead.get();
    }

    /** Where Tomcat puts the bytes read, which are dropped. */
    private static final class Discarded implements ApplicationBufferHandler {

        private ByteBuffer bytes = ByteBuffer.allocate(0);

        @Override
        public void setByteBuffer(ByteBuffer buffer) {
            bytes = buffer;
        }

        @Override
        public ByteBuffer getByteBuffer() {
            return bytes;
        }

        @Override
        public void expand(int size) {
            // Nothing is kept, so nothing grows.
        }
    }
}
