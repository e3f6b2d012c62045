package fr.liaison.gateway.api;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The first answer to each (client, Idempotency-Key), given again when the request is replayed. */
@Repository
class IdempotencyKeys {

    private static final Logger LOG = LoggerFactory.getLogger(IdempotencyKeys.class);

    /** The longest key kept ({@code idempotency.idem_key}). */
    static final int MAX_LENGTH = 200;

    private static final Pattern WELL_FORMED = Pattern.compile("[\\x21-\\x7E]{1," + MAX_LENGTH + "}");

    /** A key the node can keep: checked before the request is acted on, so that its answer can always be kept. */
    static boolean wellFormed(String key) {
        return WELL_FORMED.matcher(key).matches();
    }

    record Answer(String requestSha256, int status, String body) {
    }

    private final JdbcClient jdbc;

    IdempotencyKeys(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    Optional<Answer> find(String client, String key) {
        return jdbc.sql("SELECT request_sha256, http_status, response_body FROM idempotency WHERE client = ? AND idem_key = ?")
                .params(client, key)
                .query((rs, row) -> new Answer(rs.getString(1), rs.getInt(2), rs.getString(3))).optional();
    }

    /**
     * Keeps the answer; a concurrent first request with the same key keeps its own. Called once the
     * request was acted on, so a failure here must not turn its answer into an error: the client
     * would resubmit what was accepted. A replay of a message is then refused as a message id
     * submitted twice (a resource entry, published under fresh ids, would be published again).
     */
    void remember(String client, String key, Answer answer) {
        try {
            jdbc.sql("INSERT INTO idempotency (client, idem_key, request_sha256, http_status, response_body, created_at) VALUES (?, ?, ?, ?, ?, ?)")
                    .params(client, key, answer.requestSha256(), answer.status(), answer.body(), Instant.now().atOffset(ZoneOffset.UTC))
                    .update();
        } catch (DuplicateKeyException e) {
            // the other request's answer stands
        } catch (DataAccessException e) {
            LOG.warn("the answer to an Idempotency-Key could not be kept ({}); the request's own answer is given", e.getClass().getName());
        }
    }
}
