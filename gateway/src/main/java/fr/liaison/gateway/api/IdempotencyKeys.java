package fr.liaison.gateway.api;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The first answer to each (client, Idempotency-Key), given again when the request is replayed. */
@Repository
class IdempotencyKeys {

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

    /** Keeps the answer; a concurrent first request with the same key keeps its own. */
    void remember(String client, String key, Answer answer) {
        try {
            jdbc.sql("INSERT INTO idempotency (client, idem_key, request_sha256, http_status, response_body, created_at) VALUES (?, ?, ?, ?, ?, ?)")
                    .params(client, key, answer.requestSha256(), answer.status(), answer.body(), Instant.now().atOffset(ZoneOffset.UTC))
                    .update();
        } catch (DuplicateKeyException e) {
            // the other request's answer stands
        }
    }
}
