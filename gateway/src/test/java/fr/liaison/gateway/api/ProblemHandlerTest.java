package fr.liaison.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;

import fr.liaison.schemas.error.ErrorCode;

import java.sql.SQLTransientConnectionException;

import org.apache.camel.CamelExecutionException;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.transaction.CannotCreateTransactionException;

class ProblemHandlerTest {

    /** A database out of reach is a 503 to try again later, however deep in a route it was met; anything else stays a 500. */
    @Test
    void aDatabaseOutOfReachIsTemporaryWhateverWrapsIt() {
        var pool = new CannotGetJdbcConnectionException("no connection", new SQLTransientConnectionException("timed out"));

        assertThat(ProblemHandler.databaseUnavailable(new CamelExecutionException("route failed", null, pool))).isTrue();
        assertThat(ProblemHandler.databaseUnavailable(new CannotCreateTransactionException("no transaction", pool))).isTrue();
        assertThat(ProblemHandler.databaseUnavailable(new IllegalStateException("a defect"))).isFalse();
        assertThat(Problems.status(ErrorCode.NODE_DATABASE_UNAVAILABLE)).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
    }
}
