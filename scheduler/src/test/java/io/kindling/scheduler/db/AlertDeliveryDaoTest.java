package io.kindling.scheduler.db;

import static org.assertj.core.api.Assertions.assertThat;

import io.kindling.scheduler.db.AlertDelivery.DeliveryState;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The outbox's listing by pipeline (the dashboard's alerts of one pipeline), on SQLite and PostgreSQL. */
class AlertDeliveryDaoTest {
    @TempDir
    static Path dir;

    private Database database;

    static Stream<Arguments> databases() {
        return io.kindling.scheduler.support.TestDatabases.databases(dir);
    }

    @AfterEach
    void close() {
        if (database != null) {
            database.stop();
        }
    }

    private static AlertDelivery delivery(String id, String pipeline) {
        return AlertDelivery.pending(
                id, "e" + id, "ops", "run_failed", pipeline, "r" + id, Optional.empty(), "{}", Instant.now());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void aPipelinesDeliveriesArePagedNewestFirstWithoutOthers(String name, Supplier<Database> db) {
        database = db.get();
        AlertDeliveryDao outbox = new AlertDeliveryDao(database.jdbi());
        database.jdbi()
                .useTransaction(h -> AlertDeliveryDao.insert(
                        h,
                        List.of(
                                delivery("d1", "orders"),
                                delivery("d2", "people"),
                                delivery("d3", "orders"),
                                delivery("d4", "orders"))));

        List<AlertDelivery> first = outbox.list(Optional.empty(), Optional.of("orders"), Optional.empty(), 2);
        assertThat(first).extracting(AlertDelivery::deliveryId).containsExactly("d4", "d3");
        assertThat(outbox.list(Optional.empty(), Optional.of("orders"), Optional.of("d3"), 2))
                .extracting(AlertDelivery::deliveryId)
                .containsExactly("d1");
        assertThat(outbox.list(Optional.of(DeliveryState.PENDING), Optional.of("people"), Optional.empty(), 10))
                .extracting(AlertDelivery::deliveryId)
                .containsExactly("d2");
        assertThat(outbox.list(Optional.of(DeliveryState.FAILED), Optional.of("people"), Optional.empty(), 10))
                .isEmpty();
        assertThat(outbox.list(Optional.empty(), Optional.empty(), 10)).hasSize(4);
    }
}
