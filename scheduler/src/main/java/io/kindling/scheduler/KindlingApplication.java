package io.kindling.scheduler;

import io.dropwizard.configuration.YamlConfigurationFactory;
import io.dropwizard.core.Application;
import io.dropwizard.core.cli.CheckCommand;
import io.dropwizard.core.server.DefaultServerFactory;
import io.dropwizard.core.setup.Bootstrap;
import io.dropwizard.core.setup.Environment;
import io.dropwizard.jetty.HttpConnectorFactory;
import io.dropwizard.lifecycle.AutoCloseableManager;
import io.kindling.dsl.PipelineParser;
import io.kindling.executor.files.HadoopFileLister;
import io.kindling.scheduler.alerts.AlertChecks;
import io.kindling.scheduler.alerts.AlertDispatcher;
import io.kindling.scheduler.alerts.AlertPlanner;
import io.kindling.scheduler.alerts.Channels;
import io.kindling.scheduler.api.ApplicationLinks;
import io.kindling.scheduler.auth.AuditLog;
import io.kindling.scheduler.auth.AuthFilter;
import io.kindling.scheduler.auth.Authenticator;
import io.kindling.scheduler.auth.CallerRateLimit;
import io.kindling.scheduler.auth.FirstStart;
import io.kindling.scheduler.auth.Role;
import io.kindling.scheduler.auth.SessionStore;
import io.kindling.scheduler.auth.TokenStore;
import io.kindling.scheduler.auth.UserStore;
import io.kindling.scheduler.cli.BackfillCommand;
import io.kindling.scheduler.cli.BackupCommand;
import io.kindling.scheduler.cli.CancelCommand;
import io.kindling.scheduler.cli.CommandFailedException;
import io.kindling.scheduler.cli.LoginCommand;
import io.kindling.scheduler.cli.LogsCommand;
import io.kindling.scheduler.cli.MuteCommand;
import io.kindling.scheduler.cli.PauseCommand;
import io.kindling.scheduler.cli.RunCommand;
import io.kindling.scheduler.cli.RunsCommand;
import io.kindling.scheduler.cli.TokenCommand;
import io.kindling.scheduler.cli.TriggerCommand;
import io.kindling.scheduler.cli.ValidateCommand;
import io.kindling.scheduler.cluster.ClusterMembership;
import io.kindling.scheduler.cluster.HeartbeatLease;
import io.kindling.scheduler.config.AuthConfig;
import io.kindling.scheduler.config.SecretStore;
import io.kindling.scheduler.core.AttemptLogs;
import io.kindling.scheduler.core.ExecutorManager;
import io.kindling.scheduler.core.PipelineRegistry;
import io.kindling.scheduler.core.RunEngine;
import io.kindling.scheduler.db.AlertCheckDao;
import io.kindling.scheduler.db.AlertDeliveryDao;
import io.kindling.scheduler.db.DaemonDao;
import io.kindling.scheduler.db.DaemonRecord;
import io.kindling.scheduler.db.Database;
import io.kindling.scheduler.db.HistoryRetention;
import io.kindling.scheduler.db.HistorySizes;
import io.kindling.scheduler.db.IdempotencyKeys;
import io.kindling.scheduler.db.JdbiRunQueries;
import io.kindling.scheduler.db.JdbiRunStore;
import io.kindling.scheduler.db.MuteDao;
import io.kindling.scheduler.db.PipelineVersionDao;
import io.kindling.scheduler.db.RunQueries;
import io.kindling.scheduler.db.RunStore;
import io.kindling.scheduler.db.ScheduleDao;
import io.kindling.scheduler.db.SqliteLibrary;
import io.kindling.scheduler.health.ClusterHealthCheck;
import io.kindling.scheduler.health.DatabaseHealthCheck;
import io.kindling.scheduler.health.ExecutorHealthCheck;
import io.kindling.scheduler.health.OutboxHealthCheck;
import io.kindling.scheduler.libraries.Libraries;
import io.kindling.scheduler.metrics.DaemonMetrics;
import io.kindling.scheduler.metrics.FireLag;
import io.kindling.scheduler.metrics.PrometheusServlet;
import io.kindling.scheduler.resources.AuditResource;
import io.kindling.scheduler.resources.BackfillResource;
import io.kindling.scheduler.resources.BaselineResource;
import io.kindling.scheduler.resources.ClusterResource;
import io.kindling.scheduler.resources.DashboardResource;
import io.kindling.scheduler.resources.EventResource;
import io.kindling.scheduler.resources.ExecutorResource;
import io.kindling.scheduler.resources.LateRunsResource;
import io.kindling.scheduler.resources.LoginPageResource;
import io.kindling.scheduler.resources.PipelineResource;
import io.kindling.scheduler.resources.RunResource;
import io.kindling.scheduler.resources.SignInResource;
import io.kindling.scheduler.resources.SourceResource;
import io.kindling.scheduler.resources.TokenResource;
import io.kindling.scheduler.resources.UserResource;
import io.kindling.scheduler.resources.WebhookResource;
import io.kindling.scheduler.schedule.CronScheduler;
import io.kindling.scheduler.schedule.ScheduleTicker;
import io.kindling.scheduler.sources.SourceManager;
import io.kindling.scheduler.triggers.ContinuousTriggers;
import io.kindling.scheduler.triggers.FileTriggers;
import io.kindling.scheduler.triggers.UpstreamTriggers;
import io.kindling.scheduler.web.WebSecurity;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import org.glassfish.jersey.server.filter.RolesAllowedDynamicFeature;
import org.slf4j.LoggerFactory;

/** The Kindling daemon. {@link #run} is the list of what it is made of, in start order. */
public class KindlingApplication extends Application<KindlingConfiguration> {
    /** Automation's admin token when config.yml sets no {@code auth.bootstrapToken}. */
    public static final String BOOTSTRAP_TOKEN_ENV = "KINDLING_BOOTSTRAP_TOKEN";

    private final Clock clock;
    private final Function<String, String> env;
    private ScheduleTicker ticker;
    private AlertChecks alertChecks;
    private Authenticator authenticator;

    public KindlingApplication() {
        this(Clock.systemUTC());
    }

    /** @param clock the daemon's only source of "now": tests pass one they can move */
    public KindlingApplication(Clock clock) {
        this(clock, System::getenv);
    }

    /** @param env reads environment variables (secrets named in config.yml, the admin token) */
    public KindlingApplication(Clock clock, Function<String, String> env) {
        this.clock = clock;
        this.env = env;
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 1 && (args[0].equals("--version") || args[0].equals("-v"))) {
            System.out.println("kindling " + version());
            return;
        }
        if (args.length > 0 && args[0].equals("validate")) {
            // CI calls it often: skip the daemon's start-up
            System.exit(ValidateCommand.runStandalone(new ValidationConfig(), args));
        }
        new KindlingApplication().run(args);
    }

    @Override
    public String getName() {
        return "kindling";
    }

    /** The version Maven built, from the class path. */
    public static String version() {
        try (java.io.InputStream in = KindlingApplication.class.getResourceAsStream("/kindling-version.txt")) {
            return in == null
                    ? "unknown"
                    : new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).strip();
        } catch (java.io.IOException e) {
            return "unknown";
        }
    }

    /** The daemon's own server command (a clean exit on SIGTERM, one line on a failed start), and check. */
    @Override
    protected void addDefaultCommands(Bootstrap<KindlingConfiguration> bootstrap) {
        bootstrap.addCommand(new KindlingServerCommand(this));
        bootstrap.addCommand(new CheckCommand<>(this));
    }

    @Override
    public void initialize(Bootstrap<KindlingConfiguration> bootstrap) {
        // ${VAR} substitution; ValidationConfig reads config.yml the same way
        bootstrap.setConfigurationSourceProvider(
                ValidationConfig.substituting(bootstrap.getConfigurationSourceProvider()));
        // relative paths in config.yml resolve against its folder, not the working directory
        bootstrap.setConfigurationFactoryFactory((klass, validator, mapper, prefix) ->
                new ConfigFolderFactory(new YamlConfigurationFactory<>(klass, validator, mapper, prefix)));
        bootstrap.addCommand(new ValidateCommand(new ValidationConfig()));
        bootstrap.addCommand(new RunCommand());
        bootstrap.addCommand(new BackfillCommand());
        // the operator's client of a running daemon
        bootstrap.addCommand(new LoginCommand());
        bootstrap.addCommand(new TriggerCommand());
        bootstrap.addCommand(new RunsCommand());
        bootstrap.addCommand(new LogsCommand());
        bootstrap.addCommand(new CancelCommand());
        bootstrap.addCommand(PauseCommand.pause());
        bootstrap.addCommand(PauseCommand.resume());
        bootstrap.addCommand(MuteCommand.mute());
        bootstrap.addCommand(MuteCommand.unmute());
        bootstrap.addCommand(new TokenCommand());
        bootstrap.addCommand(
                new BackupCommand(path -> ValidationConfig.load(path).getDatabase()));
    }

    /** A command's own failure ends with the status it chose (trigger --wait: the run's outcome). */
    @Override
    protected void onFatalError(Throwable t) {
        System.exit(t instanceof CommandFailedException failed ? failed.exitStatus() : 1);
    }

    @Override
    public void run(KindlingConfiguration config, Environment environment) {
        if (!config.getExecutors().containsKey(config.getDefaultExecutor())) {
            throw new IllegalArgumentException(
                    "defaultExecutor '" + config.getDefaultExecutor() + "' is not one of the configured executors "
                            + config.getExecutors().keySet());
        }

        LoggerFactory.getLogger(KindlingApplication.class).info("{}", StartPaths.describe(config));
        // before anything starts: a secrets file others can read stops the daemon here, with what to do
        SecretStore secrets = SecretStore.open(config.getSecrets(), System::getenv);

        if (config.getDatabase().getUrl().startsWith("jdbc:sqlite:")) {
            SqliteLibrary.useCopyIn(Path.of(config.getWorkDir(), ".kindling", "native"));
        }
        Database database = Database.open(config.getDatabase());
        environment.lifecycle().manage(database);
        DaemonRecord self = newLife(config);
        // the engine writes, fenced by this life's id; the API, the ticker and the alerts only read
        RunStore owned = new JdbiRunStore(database.jdbi(), self.daemonId());
        RunQueries runs = new JdbiRunQueries(database.jdbi());
        PipelineVersionDao versions = new PipelineVersionDao(database.jdbi());

        ExecutorManager executors = new ExecutorManager(config.getExecutors(), Path.of(config.getWorkDir()));
        environment.lifecycle().manage(executors);
        // Self-fencing (docs/semantics.md): only several daemons on PostgreSQL take each other for dead; a SQLite
        // file is one daemon's, whose next life takes its runs over at once.
        java.time.Duration leaseTime = config.getCluster().leaseTime(); // checked whatever the database
        HeartbeatLease lease = database.sqlite() ? HeartbeatLease.unlimited() : new HeartbeatLease(leaseTime);
        executors.lease(lease);
        // once the API serves, not before: warming Spark up must not delay readiness
        environment.lifecycle().addServerLifecycleListener(server -> executors.daemonReady());

        PipelineParser parser = new PipelineParser(config.parserOptions()); // as validate --config checks
        PipelineRegistry registry = new PipelineRegistry(parser, versions, clock);
        Libraries libraries = Libraries.of(config.getLibraries());
        environment.lifecycle().manage(new AutoCloseableManager(libraries));
        SourceManager sources = new SourceManager(
                config.effectiveSources(),
                config.dataFolder(),
                parser,
                registry,
                clock,
                env,
                config.getLimits().getParseTimeout().toJavaDuration(),
                libraries);
        sources.loadAll();

        // alerts are written with the transitions that cause them, and sent from the outbox by their own worker
        MuteDao mutes = new MuteDao(database.jdbi());
        AlertPlanner planner = AlertPlanner.of(config.getAlerting(), config.getWebhooks(), runs, mutes::muted);
        AlertDeliveryDao outbox = new AlertDeliveryDao(database.jdbi());
        Channels channels = Channels.of(config.getWebhooks(), env);
        AlertDispatcher dispatcher = AlertDispatcher.of(config.getAlerting(), outbox, config.getWebhooks(), channels);
        environment.lifecycle().manage(dispatcher);

        RunEngine engine = new RunEngine(
                owned,
                executors.executors(),
                executors.slots(),
                registry,
                clock,
                new AttemptLogs(
                        Path.of(config.getLogDir()), config.getAttemptLogLimit().toBytes()),
                planner,
                secrets,
                libraries);
        engine.pools(config.poolSizes());

        // pipelines with trigger: {after: ...} start when their upstreams' runs end (docs/triggers.md)
        // paused as a schedule is (the ticker is made below; the flag is read when a run ends)
        UpstreamTriggers upstreamTriggers =
                new UpstreamTriggers(registry::all, runs, engine::triggerOnce, id -> ticker.paused(id), clock);
        engine.addListener(upstreamTriggers);
        upstreamTriggers.catchUpEvery(Duration.ofMinutes(1));
        environment.lifecycle().manage(new AutoCloseableManager(upstreamTriggers));
        // pipelines with trigger: {files: ...} start when files land in their folder (docs/triggers.md)
        FileTriggers fileTriggers = new FileTriggers(
                registry::all,
                runs,
                new HadoopFileLister(Path.of(config.getWorkDir())),
                engine::triggerFiles,
                id -> ticker.paused(id),
                clock);
        fileTriggers.start();
        environment.lifecycle().manage(new AutoCloseableManager(fileTriggers));
        // trigger: continuous keeps one run of its pipeline going, with a backoff after failed runs
        ContinuousTriggers continuousTriggers = new ContinuousTriggers(
                registry::all,
                runs,
                engine::triggerOnce,
                id -> ticker.paused(id),
                clock,
                config.getContinuous().getInitialBackoff().toJavaDuration(),
                config.getContinuous().getMaxBackoff().toJavaDuration());
        engine.addListener(continuousTriggers);
        environment.lifecycle().manage(new AutoCloseableManager(continuousTriggers));
        // once the engine has taken up the runs a previous life left, so that one of those counts as active
        environment
                .lifecycle()
                .addServerLifecycleListener(server -> continuousTriggers.checkEvery(
                        config.getContinuous().getCheckInterval().toJavaDuration()));

        // metrics for Prometheus on the admin port
        HistorySizes sizes = new HistorySizes(database, Path.of(config.getLogDir()));
        sizes.measureEvery(Duration.ofMinutes(5));
        environment.lifecycle().manage(new AutoCloseableManager(sizes));
        PrometheusMeterRegistry metrics =
                DaemonMetrics.register(engine, runs, outbox, dispatcher, executors.executors(), sizes);
        // history.retention: old runs deleted in small batches (docs/configuration.md)
        if (config.getHistory().getRetention() != null) {
            HistoryRetention retention = new HistoryRetention(
                    database.jdbi(),
                    Path.of(config.getLogDir()),
                    config.getHistory().getRetention().toJavaDuration(),
                    config.getAlerting().getBaselineRuns(),
                    config.getHistory().getBatchSize());
            retention.sweepEvery(config.getHistory().getSweepInterval().toJavaDuration(), Clock.systemUTC());
            environment.lifecycle().manage(new AutoCloseableManager(retention));
        }
        environment
                .admin()
                .addServlet("prometheus", new PrometheusServlet(metrics))
                .addMapping("/prometheus");
        ticker = new ScheduleTicker(
                registry::get,
                registry::all,
                new ScheduleDao(database.jdbi()),
                runs::backfilledTimes,
                engine::triggerScheduled,
                clock);
        CronScheduler cron = new CronScheduler(
                new FireLag(
                        metrics,
                        Clock.systemUTC(),
                        (pipelines, scheduledTime) -> ticker.tick(pipelines, Optional.of(scheduledTime))),
                registry::all,
                database.dataSource(),
                !database.sqlite(),
                self.daemonId(),
                clock,
                database.sqlite() ? CronScheduler.NEVER_PREPARE : CronScheduler.PREPARE_FROM);
        cron.scheduleAll(registry.all());
        // heartbeats are about real time passing, whatever clock schedules runs
        ClusterMembership membership = new ClusterMembership(
                new DaemonDao(database.jdbi()),
                owned,
                self,
                config.getCluster().getHeartbeatInterval().toJavaDuration(),
                config.getCluster().getDeadAfter().toJavaDuration(),
                lease,
                Clock.systemUTC(),
                cron::standby);
        // started in this order, stopped in reverse: firing stops first, then the engine drains
        environment
                .lifecycle()
                .manage(new EngineLifecycle(
                        engine,
                        membership,
                        config.getCluster().getShutdownGrace().toJavaDuration()));
        environment.lifecycle().manage(ticker);
        environment.lifecycle().manage(cron);
        // deadlines and learned baselines: alerts that time passing causes, checked from the run history
        AlertCheckDao alertCheckDao = new AlertCheckDao(database.jdbi());
        alertChecks = new AlertChecks(registry::all, alertCheckDao, planner, config.getAlerting(), clock);
        DaemonMetrics.register(metrics, alertChecks);
        environment.lifecycle().manage(alertChecks);
        // A reload that adds, changes or removes pipelines replaces the triggers; new pipelines start from now.
        sources.onChange(reload -> {
            cron.scheduleAll(registry.all());
            ticker.tickAll();
        });
        environment.lifecycle().manage(sources);

        // authentication: every API route needs a token or a session except those in PublicRoutes (docs/auth.md)
        AuditLog audit = auth(config.getAuth(), config.getLimits().getChangesPerMinute(), database, environment);
        // Host, Origin/CSRF, headers and size limits on both ports; the admin port wants an admin token
        WebSecurity.install(
                config.getWeb(),
                config.getAlerting().getDashboardUrl(),
                config.getServerFactory(),
                environment,
                bearer -> authenticator
                        .token(bearer)
                        .map(caller -> caller.role() == Role.ADMIN
                                && caller.pipelines().isEmpty())
                        .orElse(false));
        environment
                .jersey()
                .register(new PipelineResource(
                        registry,
                        ticker,
                        engine,
                        runs,
                        versions,
                        clock,
                        config.getLimits(),
                        audit,
                        mutes,
                        config.getIdempotency().getRetention().toJavaDuration()));
        environment
                .jersey()
                .register(new RunResource(runs, engine, registry, audit, ApplicationLinks.of(executors.executors())));
        environment.jersey().register(new BaselineResource(registry, alertCheckDao, config.getAlerting(), clock));
        environment.jersey().register(new LateRunsResource(alertCheckDao, clock));
        // inbound events: a token or a signed body; Idempotency-Keys kept idempotency.retention (docs/triggers.md)
        IdempotencyKeys idempotencyKeys = new IdempotencyKeys(database.jdbi());
        idempotencyKeys.deleteExpiredEvery(Duration.ofHours(1), Clock.systemUTC());
        environment.lifecycle().manage(new AutoCloseableManager(idempotencyKeys));
        environment
                .jersey()
                .register(new EventResource(
                        registry,
                        ticker,
                        engine,
                        runs,
                        secrets,
                        environment.getObjectMapper(),
                        config.getIdempotency().getRetention().toJavaDuration(),
                        Clock.systemUTC(),
                        audit));
        environment.jersey().register(new BackfillResource(runs));
        environment
                .jersey()
                .register(new ClusterResource(
                        new DaemonDao(database.jdbi()),
                        self.daemonId(),
                        config.getCluster().getDeadAfter().toJavaDuration(),
                        Clock.systemUTC()));
        environment.jersey().register(new ExecutorResource(executors.executors(), Clock.systemUTC()));
        environment.jersey().register(new SourceResource(sources, registry, audit));
        environment
                .jersey()
                .register(new WebhookResource(
                        outbox, channels, config.getAlerting().getDashboardUrl(), Clock.systemUTC(), audit));
        environment.jersey().register(new DashboardResource());

        environment.healthChecks().register("database", new DatabaseHealthCheck(database.jdbi()));
        environment.healthChecks().register("cluster", new ClusterHealthCheck(membership, cron));
        environment.healthChecks().register("outbox", new OutboxHealthCheck(outbox, 1000));
        executors
                .executors()
                .forEach((name, executor) ->
                        environment.healthChecks().register("executor-" + name, new ExecutorHealthCheck(executor)));
    }

    /**
     * Tokens, users, sessions and the audit log; the filter that authenticates every request and the roles check;
     * the sign-in and access endpoints; and on the first start, the admin token printed once the port is known.
     * Auth times are real time (token expiry, sessions), whatever clock schedules runs.
     */
    private AuditLog auth(AuthConfig config, int changesPerMinute, Database database, Environment environment) {
        Clock real = Clock.systemUTC();
        TokenStore tokens = new TokenStore(database.jdbi(), real);
        UserStore users = new UserStore(database.jdbi(), real);
        SessionStore sessions = new SessionStore(
                database.jdbi(), real, config.getSessionIdleTimeout().toJavaDuration());
        AuditLog audit = new AuditLog(database.jdbi(), real);
        authenticator = new Authenticator(tokens, users, sessions);

        FirstStart firstStart = new FirstStart(tokens);
        String bootstrap = config.getBootstrapToken().isBlank()
                ? Optional.ofNullable(env.apply(BOOTSTRAP_TOKEN_ENV)).orElse("")
                : config.getBootstrapToken();
        firstStart.bootstrap(bootstrap.strip());
        firstStart
                .adminToken(Path.of(config.getAdminTokenFile()))
                .ifPresent(secret -> environment
                        .lifecycle()
                        .addServerLifecycleListener(server -> FirstStart.announceWhenStarted(server, secret)));

        environment
                .jersey()
                .register(new AuthFilter(authenticator, new CallerRateLimit(changesPerMinute, System::nanoTime)));
        environment.jersey().register(RolesAllowedDynamicFeature.class);
        SignInResource signIn = new SignInResource(authenticator, sessions, audit, config.isSecureCookies());
        environment.jersey().register(signIn);
        environment.jersey().register(new LoginPageResource(authenticator, signIn, audit));
        environment.jersey().register(new TokenResource(tokens, sessions, audit));
        environment.jersey().register(new UserResource(users, audit));
        environment.jersey().register(new AuditResource(audit));
        return audit;
    }

    /** Token and session validation, for filters outside Jersey (the admin port); set once {@link #run} ran. */
    public Authenticator authenticator() {
        return authenticator;
    }

    /**
     * A new life of this daemon: a fresh id, and the node name that ties it to its earlier lives (configured, or
     * the host name and API port).
     */
    private static DaemonRecord newLife(KindlingConfiguration config) {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "localhost";
        }
        String node = config.getCluster().getNode();
        if (node.isEmpty()) {
            int port = -1;
            if (config.getServerFactory() instanceof DefaultServerFactory server
                    && !server.getApplicationConnectors().isEmpty()
                    && server.getApplicationConnectors().get(0) instanceof HttpConnectorFactory http) {
                port = http.getPort();
            }
            node = host + ":" + port;
        }
        String id = Long.toString(System.currentTimeMillis(), 36) + "-"
                + Long.toString(ThreadLocalRandom.current().nextLong(36L * 36 * 36 * 36 * 36 * 36), 36);
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        return new DaemonRecord(
                id, node, host, ProcessHandle.current().pid(), now, now, Optional.empty(), Optional.empty());
    }

    /** The deadline and baseline checks once {@link #run} has built them: tests move their clock, then check. */
    public AlertChecks alertChecks() {
        return alertChecks;
    }

    /** The scheduler's ticker once {@link #run} has built it: tests move their clock, then tick. */
    public ScheduleTicker ticker() {
        return ticker;
    }
}
