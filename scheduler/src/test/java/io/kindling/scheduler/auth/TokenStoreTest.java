package io.kindling.scheduler.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.kindling.scheduler.db.Database;
import io.kindling.scheduler.support.TestDatabases;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Tokens in the V8 tables, on a real SQLite file and a real PostgreSQL server. */
class TokenStoreTest {
    @TempDir
    static Path folder;

    private Database database;

    static Stream<Arguments> databases() {
        return TestDatabases.databases(folder);
    }

    @AfterEach
    void close() {
        if (database != null) {
            database.stop();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void aBootstrapTokenIsStoredOnceAndStaysRevoked(String name, Supplier<Database> db) {
        database = db.get();
        TokenStore tokens = new TokenStore(database.jdbi(), Clock.systemUTC());
        FirstStart first = new FirstStart(tokens);
        assertThat(tokens.noCredentials()).isTrue();

        first.bootstrap("kdl_automation-chose-this-token-0123456789");
        first.bootstrap("kdl_automation-chose-this-token-0123456789"); // the next start
        assertThat(tokens.list()).hasSize(1);
        TokenRecord stored = tokens.list().get(0);
        assertThat(stored.role()).isEqualTo(Role.ADMIN);
        assertThat(first.adminToken(folder.resolve("never-written")))
                .as("not a first start any more")
                .isEmpty();

        assertThat(tokens.revoke(stored.id())).isTrue();
        assertThat(tokens.revoke(stored.id())).isFalse();
        first.bootstrap("kdl_automation-chose-this-token-0123456789");
        assertThat(tokens.list()).hasSize(1);
        assertThat(tokens.findBySecret("kdl_automation-chose-this-token-0123456789")
                        .orElseThrow()
                        .activeAt(Instant.now()))
                .isFalse();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void lastUseIsWrittenAtMostOnceAMinute(String name, Supplier<Database> db) {
        database = db.get();
        TokenStore tokens = new TokenStore(database.jdbi(), Clock.systemUTC());
        TokenStore.Issued issued = tokens.create(
                "ci", Role.OPERATOR, Optional.of(new PipelinePattern("sales_*")), Optional.empty(), "test");
        assertThat(issued.token().lastUsedAt()).isEmpty();

        tokens.touch(tokens.find(issued.token().id()).orElseThrow());
        Instant first =
                tokens.find(issued.token().id()).orElseThrow().lastUsedAt().orElseThrow();
        tokens.touch(tokens.find(issued.token().id()).orElseThrow());
        assertThat(tokens.find(issued.token().id()).orElseThrow().lastUsedAt()).contains(first);
        assertThat(tokens.findBySecret(issued.secret()).orElseThrow().pipelines())
                .contains(new PipelinePattern("sales_*"));
    }
}
