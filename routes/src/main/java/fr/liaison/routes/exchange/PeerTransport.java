package fr.liaison.routes.exchange;

import fr.liaison.routes.directory.Participant;

/** Posts an envelope to another node's inter-node endpoint over mutual TLS. */
public interface PeerTransport {

    /**
     * @param recipient the participant the envelope is for: the post goes to its exchange endpoint,
     *     and only to a node presenting one of its TLS certificates
     * @param messageId announced beside the envelope, so that even a rejection receipt names it
     * @return the peer's answer (its status and body, a signed receipt)
     * @throws fr.liaison.schemas.error.LiaisonException EXCHANGE_PEER_UNREACHABLE when the peer
     *     cannot be reached or answers with a server error: worth retrying;
     *     EXCHANGE_PEER_SERVER_CERTIFICATE when the node reached is not the recipient's, as the
     *     directory in force says (nothing is sent)
     */
    PeerReply post(Participant recipient, String messageId, byte[] envelope);

    record PeerReply(int status, byte[] body) {
    }
}
