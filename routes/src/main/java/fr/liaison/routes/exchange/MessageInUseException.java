package fr.liaison.routes.exchange;

/**
 * Another thread or instance of the node is working on this message right now (see
 * {@link MessageStore#exclusively}). Not a refusal: the work is tried again later, by which time
 * the other one has finished or died.
 */
public final class MessageInUseException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public MessageInUseException(String messageId, Throwable cause) {
        super("message " + messageId + " is being worked on elsewhere", cause);
    }
}
