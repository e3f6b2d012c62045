package fr.liaison.routes.exchange;

import java.net.URI;

/** Posts an envelope to another node's inter-node endpoint over mutual TLS. */
public interface PeerTransport {

    /**
     * @param messageId announced beside the envelope, so that even a rejection receipt names it
     * @return the peer's answer (its status and body, a signed receipt)
     * @throws fr.liaison.schemas.error.LiaisonException EXCHANGE_PEER_UNREACHABLE when the peer
     *     cannot be reached or answers with a server error: worth retrying
     */
    PeerReply post(URI endpoint, String messageId, byte[] envelope);

    record PeerReply(int status, byte[] body) {
    }
}
