package io.kindling.scheduler.resources;

import io.dropwizard.testing.junit5.ResourceExtension;
import io.kindling.dsl.ParserOptions;
import io.kindling.dsl.PipelineParser;
import io.kindling.executor.Executor;
import io.kindling.executor.ExecutorConfig;
import io.kindling.executor.ExecutorFactories;
import io.kindling.scheduler.auth.AuditLog;
import io.kindling.scheduler.auth.AuthFilter;
import io.kindling.scheduler.auth.PipelinePattern;
import io.kindling.scheduler.auth.Principal;
import io.kindling.scheduler.auth.Role;
import io.kindling.scheduler.core.PipelineRegistry;
import io.kindling.scheduler.core.RunEngine;
import io.kindling.scheduler.db.AlertDeliveryDao;
import io.kindling.scheduler.db.Database;
import io.kindling.scheduler.db.JdbiRunStore;
import io.kindling.scheduler.db.PipelineVersionDao;
import io.kindling.scheduler.db.RunStore;
import io.kindling.scheduler.db.ScheduleDao;
import io.kindling.scheduler.schedule.ScheduleTicker;
import io.kindling.scheduler.support.TestDatabases;
import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.HttpHeaders;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.glassfish.jersey.server.filter.RolesAllowedDynamicFeature;

/**
 * What the API's resources stand on, without the daemon: a real SQLite file, the registry loaded from a folder of
 * pipeline files, and a real {@link RunEngine} on the test-only {@code sleep} executor (no Spark: each attempt
 * "runs" for ten minutes, so runs stay unfinished while a test looks at them). For {@link ResourceExtension} tests,
 * which serve one resource in memory.
 *
 * <p>Auth: instead of {@link AuthFilter} (tokens in the database; walked route by route in the daemon by
 * {@code ApiAuthenticationTest}), {@link Callers} turns {@code Authorization: Bearer <role>} into that caller,
 * and the real {@link RolesAllowedDynamicFeature} enforces each method's {@code @RolesAllowed}.
 */
final class ApiFixture implements AutoCloseable {
    /** People's pipeline: one task, an int param. */
    static final String PEOPLE = """
            pipeline: people
            schedule: {cron: "0 6 * * *", timezone: UTC}
            params:
              min_age: 21
            tasks:
              - {id: adults, sql: "SELECT :min_age AS x"}
            """;

    final Path dir;
    final Database database;
    final RunStore runs;
    final PipelineVersionDao versions;
    final PipelineRegistry registry;
    final RunEngine engine;
    final ScheduleTicker ticker;
    final AuditLog audit;
    final AlertDeliveryDao outbox;
    private final Executor executor;

    /** @param pipelines file name to YAML text, loaded as the daemon's one folder source */
    ApiFixture(Map<String, String> pipelines) {
        try {
            dir = Files.createTempDirectory("kindling-api-");
            Path folder = Files.createDirectories(dir.resolve("pipelines"));
            for (Map.Entry<String, String> file : pipelines.entrySet()) {
                Files.writeString(folder.resolve(file.getKey()), file.getValue());
            }
            database = TestDatabases.sqlite(dir);
            runs = new JdbiRunStore(database.jdbi(), "api-fixture");
            versions = new PipelineVersionDao(database.jdbi());
            registry = new PipelineRegistry(new PipelineParser(ParserOptions.lenient()), versions, Clock.systemUTC());
            registry.load(folder);
            executor = new ExecutorFactories()
                    .create(new ExecutorConfig("local", "sleep", 4, dir, Map.of(), Map.of("millis", "600000")));
            engine = new RunEngine(
                    runs,
                    Map.of("local", executor),
                    Map.of("local", 4),
                    registry,
                    Clock.systemUTC(),
                    dir.resolve("logs"));
            engine.start();
            ticker = new ScheduleTicker(
                    registry::get,
                    registry::all,
                    new ScheduleDao(database.jdbi()),
                    runs::backfilledTimes,
                    engine::triggerScheduled,
                    Clock.systemUTC());
            audit = new AuditLog(database.jdbi(), Clock.systemUTC());
            outbox = new AlertDeliveryDao(database.jdbi());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A resource served in memory, with {@link Callers} and the roles check. */
    static ResourceExtension serve(Object resource) {
        return ResourceExtension.builder()
                .addResource(resource)
                .addProvider(new Callers())
                .addProvider(RolesAllowedDynamicFeature.class)
                .build();
    }

    @Override
    public void close() throws IOException {
        engine.close();
        executor.close();
        database.stop();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }

    /**
     * Test callers by bearer word: {@code viewer}, {@code operator}, {@code admin}, or {@code restricted} (an
     * operator restricted to pipelines {@code other*}); no header answers 401 as the daemon does.
     */
    @Priority(Priorities.AUTHENTICATION)
    static final class Callers implements ContainerRequestFilter {
        @Override
        public void filter(ContainerRequestContext request) {
            String header = Optional.ofNullable(request.getHeaderString(HttpHeaders.AUTHORIZATION))
                    .orElse("");
            Principal caller = switch (header) {
                case "Bearer viewer" -> principal(Role.VIEWER, Optional.empty());
                case "Bearer operator" -> principal(Role.OPERATOR, Optional.empty());
                case "Bearer admin" -> principal(Role.ADMIN, Optional.empty());
                case "Bearer restricted" -> principal(Role.OPERATOR, PipelinePattern.parse("other*"));
                default -> null;
            };
            if (caller == null) {
                request.abortWith(AuthFilter.unauthorized());
                return;
            }
            request.setSecurityContext(new AuthFilter.Caller(caller, false));
        }

        private static Principal principal(Role role, Optional<PipelinePattern> pipelines) {
            return new Principal(
                    Principal.TOKEN, role.name().toLowerCase(java.util.Locale.ROOT), "test " + role, role, pipelines);
        }
    }
}
