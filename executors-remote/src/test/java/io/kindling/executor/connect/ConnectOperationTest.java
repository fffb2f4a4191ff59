package io.kindling.executor.connect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kindling.executor.ExecutorConfig;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The remote id of a Connect attempt, and the URL that opens its session again. */
class ConnectOperationTest {
    private static final String SESSION = "5928f1bf-a21b-4b89-84d8-eac265953881";
    private static final String OPERATION = "8fa15859-0c33-4e38-9390-1b910421f15f";

    @Test
    void theRemoteIdNamesSessionUserOperationAndStatement() {
        ConnectOperation operation = new ConnectOperation(SESSION, "ana;b=c", OPERATION, 3);

        String id = operation.encode();

        assertThat(id).isEqualTo("session=" + SESSION + ";user=ana%3Bb%3Dc;operation=" + OPERATION + ";statement=3");
        assertThat(ConnectOperation.parse(id)).isEqualTo(operation);
        ConnectOperation next = ConnectOperation.next(SESSION, "root", 1);
        assertThat(next.operationId())
                .isNotEqualTo(ConnectOperation.next(SESSION, "root", 1).operationId());
        assertThat(ConnectOperation.parse(next.encode())).isEqualTo(next);
    }

    @Test
    void anythingElseIsRejectedSayingWhatWasExpected() {
        assertThatThrownBy(() -> ConnectOperation.parse(SESSION)) // a bare session id, as recorded before
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is not a Spark Connect operation id of Kindling");
        assertThatThrownBy(() -> ConnectOperation.parse("session=x;user=u;operation=" + OPERATION + ";statement=1"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ConnectOperation.parse(
                        "session=" + SESSION + ";user=u;operation=" + OPERATION + ";statement=zero"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ConnectOperation.parse(
                        "session=" + SESSION + ";user=u;operation=" + OPERATION + ";statement=0"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theSessionUrlAddsTheSessionAndUserToTheConfiguredOne() {
        assertThat(options("sc://h:15002").sessionUrl(SESSION, "root"))
                .isEqualTo("sc://h:15002/;session_id=" + SESSION + ";user_id=root");
        assertThat(options("sc://h:15002/;token=abc").sessionUrl(SESSION, "root"))
                .isEqualTo("sc://h:15002/;token=abc;session_id=" + SESSION + ";user_id=root");
        // a user id the URL cannot carry as is is left to the client's default, which recorded it
        assertThat(options("sc://h").sessionUrl(SESSION, "a b")).isEqualTo("sc://h/;session_id=" + SESSION);
    }

    private static ConnectOptions options(String url) {
        return ConnectOptions.from(new ExecutorConfig(
                "connect", ConnectExecutorFactory.TYPE, 1, Path.of("."), Map.of(), Map.of("url", url)));
    }
}
