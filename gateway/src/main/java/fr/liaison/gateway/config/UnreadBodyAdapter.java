package fr.liaison.gateway.config;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.catalina.Lifecycle;
import org.apache.catalina.connector.Connector;
import org.apache.coyote.ActionCode;
import org.apache.coyote.Adapter;
import org.apache.coyote.ProtocolHandler;
import org.apache.coyote.Request;
import org.apache.coyote.Response;
import org.apache.tomcat.util.net.ApplicationBufferHandler;
import org.apache.tomcat.util.net.SocketEvent;

/**
 * After an answer given without reading the whole request body (a refusal before authentication, an
 * unknown path, a body declared too large, Tomcat's own answer to {@code OPTIONS *}), closes the
 * connection instead of letting Tomcat wait for the rest of the body. Tomcat otherwise reads and
 * discards what is left before the next request, with blocking reads on one of its worker threads:
 * a client that trickled a byte within every connection timeout held that thread for as long as it
 * liked, without any credential, and some two hundred such connections froze the listener.
 * <p>
 * It wraps the connector's adapter (what Tomcat calls for every request it has parsed, including
 * those it answers itself without reaching the application), so no request escapes it. What has
 * already arrived is read first, without waiting, so that a client that sent its whole request keeps
 * its connection (closing on unread bytes would reset the connection, and the client could lose the
 * answer); only a body still to come ends the connection once the answer is sent. A chunked body is
 * not read here (reading a chunk may have to wait for its end): its connection ends with the answer.
 */
final class UnreadBodyAdapter implements Adapter {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(UnreadBodyAdapter.class);

    /** At most this much of an unread body is read and discarded before the connection is closed instead. */
    static final int MAX_DISCARDED_BYTES = 2 * 1024 * 1024;

    private final Adapter tomcat;

    private UnreadBodyAdapter(Adapter tomcat) {
        this.tomcat = tomcat;
    }

    /** Wraps the connector's adapter once Tomcat has created it (at the connector's initialisation). */
    static void install(Connector connector) {
        connector.addLifecycleListener(event -> {
            if (Lifecycle.AFTER_INIT_EVENT.equals(event.getType())) {
                ProtocolHandler protocol = connector.getProtocolHandler();
                if (!(protocol.getAdapter() instanceof UnreadBodyAdapter)) {
                    protocol.setAdapter(new UnreadBodyAdapter(protocol.getAdapter()));
                }
            }
        });
    }

    @Override
    public void service(Request request, Response response) throws Exception {
        tomcat.service(request, response);
        try {
            if (isAsync(request) || bodyFullyRead(request)) {
                return; // an asynchronous request ends later; a body read in full leaves nothing to wait for
            }
            if (request.getContentLengthLong() < 0 || !discardWhatHasArrived(request)) {
                // Tomcat's own way to refuse an upload it will not read: the connection closes after the answer.
                request.action(ActionCode.DISABLE_SWALLOW_INPUT, null);
            }
        } catch (RuntimeException unreadable) {
            // A request Tomcat could not parse (headers over its limit) has no body to speak of: close.
            LOG.debug("request not inspected after its answer: {}", unreadable.getClass().getName());
            request.action(ActionCode.DISABLE_SWALLOW_INPUT, null);
        }
    }

    /**
     * Reads and discards the body's bytes already received; true if the whole body has arrived.
     * Once what is buffered covers the rest of the body, Tomcat's own discard finishes it without
     * waiting; reading here stops before that, so that nothing past the body (a pipelined request)
     * is ever taken.
     */
    private static boolean discardWhatHasArrived(Request body) {
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
                if (read == 0) {
                    return false; // no progress: never spin here, close instead
                }
                discarded += read;
            }
        } catch (IOException e) {
            return false; // the client went away: nothing to keep
        }
        return false;
    }

    /** The body's bytes that can be read without waiting (Tomcat reads the socket without blocking to tell). */
    private static int available(Request body) {
        body.action(ActionCode.AVAILABLE, Boolean.TRUE);
        return body.getAvailable();
    }

    private static boolean bodyFullyRead(Request request) {
        AtomicBoolean fullyRead = new AtomicBoolean();
        request.action(ActionCode.REQUEST_BODY_FULLY_READ, fullyRead);
        return fullyRead.get();
    }

    private static boolean isAsync(Request request) {
        AtomicBoolean async = new AtomicBoolean();
        request.action(ActionCode.ASYNC_IS_ASYNC, async);
        return async.get();
    }

    @Override
    public boolean prepare(Request request, Response response) throws Exception {
        return tomcat.prepare(request, response);
    }

    @Override
    public boolean asyncDispatch(Request request, Response response, SocketEvent status) throws Exception {
        return tomcat.asyncDispatch(request, response, status);
    }

    @Override
    public void log(Request request, Response response, long time) {
        tomcat.log(request, response, time);
    }

    @Override
    public void checkRecycled(Request request, Response response) {
        tomcat.checkRecycled(request, response);
    }

    @Override
    public String getDomain() {
        return tomcat.getDomain();
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
