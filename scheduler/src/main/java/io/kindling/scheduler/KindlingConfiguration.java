package io.kindling.scheduler;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.core.Configuration;
import io.dropwizard.util.DataSize;
import io.dropwizard.util.DataSizeUnit;
import io.dropwizard.validation.MinDataSize;
import io.dropwizard.validation.ValidationMethod;
import io.kindling.dsl.ParserOptions;
import io.kindling.scheduler.config.AlertingConfig;
import io.kindling.scheduler.config.AuthConfig;
import io.kindling.scheduler.config.ClusterConfig;
import io.kindling.scheduler.config.ConfigPaths;
import io.kindling.scheduler.config.ContinuousConfig;
import io.kindling.scheduler.config.DatabaseConfig;
import io.kindling.scheduler.config.ExecutorConfig;
import io.kindling.scheduler.config.HistoryConfig;
import io.kindling.scheduler.config.IdempotencyConfig;
import io.kindling.scheduler.config.LibrariesConfig;
import io.kindling.scheduler.config.LimitsConfig;
import io.kindling.scheduler.config.PoolConfig;
import io.kindling.scheduler.config.SecretsConfig;
import io.kindling.scheduler.config.SourceConfig;
import io.kindling.scheduler.config.WebConfig;
import io.kindling.scheduler.config.WebhookConfig;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * config.yml, field by field. Relative paths resolve against the config file's folder ({@link #resolvePaths}, which
 * the daemon's configuration factory calls); a configuration not read from a file keeps the working directory.
 */
public class KindlingConfiguration extends Configuration {
    /** The folder relative paths were resolved against. */
    @JsonIgnore
    private Path configFolder = Path.of("").toAbsolutePath();

    @Valid
    @NotNull
    private DatabaseConfig database = new DatabaseConfig();

    @Valid
    @NotNull
    private ClusterConfig cluster = new ClusterConfig();

    /**
     * The folder of pipeline files (searched recursively for *.yml and *.yaml), watched for changes: shorthand
     * for one {@code folder} source named {@code pipelines}. Set either this or {@code sources}.
     */
    private String pipelines;

    /** Where pipeline files come from: watched folders and git repositories. */
    @Valid
    @NotNull
    private List<SourceConfig> sources = new ArrayList<>();

    /** Relative input and output paths of tasks resolve against this folder. */
    @NotEmpty
    private String workDir = ".";

    /** Attempt logs go to {@code <logDir>/<pipeline>/<run>/<task>.<attempt>.log}. */
    @NotEmpty
    private String logDir = "data/logs";

    /**
     * The most one attempt's log grows to: past half of it the rest is cut and only its last part is kept (written
     * when the attempt ends), so one noisy task cannot fill the disk.
     */
    @NotNull
    @MinDataSize(value = 16, unit = DataSizeUnit.KIBIBYTES)
    private DataSize attemptLogLimit = DataSize.mebibytes(10);

    @Valid
    @NotEmpty
    private Map<String, ExecutorConfig> executors = new LinkedHashMap<>(Map.of("local", new ExecutorConfig()));

    /** Places shared by the tasks that name a pool, across pipelines, executors and daemons (docs/configuration.md). */
    @Valid
    @NotNull
    private Map<@jakarta.validation.constraints.Pattern(regexp = "[A-Za-z0-9_.-]{1,100}") String, PoolConfig> pools =
            new LinkedHashMap<>();

    /** The executor of tasks that name none. */
    @NotEmpty
    private String defaultExecutor = "local";

    /** How many levels of run_pipeline runs a pipeline may start below itself; deeper ones are refused at load. */
    @Min(1)
    @Max(100)
    private int runPipelineMaxDepth = ParserOptions.DEFAULT_RUN_PIPELINE_DEPTH;

    /** How many iterations one for_each may run; a longer list fails the for-each with a clear error. */
    @Min(1)
    @Max(ParserOptions.MOST_ITERATIONS)
    private int forEachMaxIterations = ParserOptions.DEFAULT_MAX_ITERATIONS;

    /** Alert receivers by name; pipelines name them in {@code alerts:}. */
    @Valid
    @NotNull
    private Map<String, WebhookConfig> webhooks = new LinkedHashMap<>();

    @Valid
    @NotNull
    private AlertingConfig alerting = new AlertingConfig();

    /** Where {@code {{ secrets.NAME }}} values come from; absent: environment variables only. */
    @Valid
    @NotNull
    private SecretsConfig secrets = new SecretsConfig();

    @Valid
    @NotNull
    private WebConfig web = new WebConfig();

    @Valid
    @NotNull
    private LimitsConfig limits = new LimitsConfig();

    @JsonProperty
    public WebConfig getWeb() {
        return web;
    }

    @JsonProperty
    public void setWeb(WebConfig web) {
        this.web = web;
    }

    @JsonProperty
    public LimitsConfig getLimits() {
        return limits;
    }

    @JsonProperty
    public void setLimits(LimitsConfig limits) {
        this.limits = limits;
    }

    @Valid
    @NotNull
    private AuthConfig auth = new AuthConfig();

    /** How long finished runs are kept (docs/configuration.md). */
    @Valid
    @NotNull
    private HistoryConfig history = new HistoryConfig();

    @JsonProperty
    public HistoryConfig getHistory() {
        return history;
    }

    @JsonProperty
    public void setHistory(HistoryConfig history) {
        this.history = history;
    }

    /** How long Idempotency-Key headers are kept (docs/configuration.md). */
    @Valid
    @NotNull
    private IdempotencyConfig idempotency = new IdempotencyConfig();

    @JsonProperty
    public IdempotencyConfig getIdempotency() {
        return idempotency;
    }

    @JsonProperty
    public void setIdempotency(IdempotencyConfig idempotency) {
        this.idempotency = idempotency;
    }

    /** How continuous pipelines are kept going: the backoff after failed runs (docs/triggers.md). */
    @Valid
    @NotNull
    private ContinuousConfig continuous = new ContinuousConfig();

    @JsonProperty
    public ContinuousConfig getContinuous() {
        return continuous;
    }

    @JsonProperty
    public void setContinuous(ContinuousConfig continuous) {
        this.continuous = continuous;
    }

    @Valid
    @NotNull
    private LibrariesConfig libraries = new LibrariesConfig();

    @JsonProperty
    public LibrariesConfig getLibraries() {
        return libraries;
    }

    @JsonProperty
    public void setLibraries(LibrariesConfig libraries) {
        this.libraries = libraries;
    }

    @JsonProperty
    public AuthConfig getAuth() {
        return auth;
    }

    @JsonProperty
    public void setAuth(AuthConfig auth) {
        this.auth = auth;
    }

    @JsonProperty
    public DatabaseConfig getDatabase() {
        return database;
    }

    @JsonProperty
    public void setDatabase(DatabaseConfig database) {
        this.database = database;
    }

    @JsonProperty
    public ClusterConfig getCluster() {
        return cluster;
    }

    @JsonProperty
    public void setCluster(ClusterConfig cluster) {
        this.cluster = cluster;
    }

    @JsonProperty
    public String getPipelines() {
        return pipelines;
    }

    @JsonProperty
    public void setPipelines(String pipelines) {
        this.pipelines = pipelines;
    }

    @JsonProperty
    public List<SourceConfig> getSources() {
        return sources;
    }

    @JsonProperty
    public void setSources(List<SourceConfig> sources) {
        this.sources = sources == null ? new ArrayList<>() : sources;
    }

    /** The sources in effect: {@code sources}, or else one folder source for {@code pipelines}. */
    @JsonIgnore
    public List<SourceConfig> effectiveSources() {
        if (!sources.isEmpty()) {
            return List.copyOf(sources);
        }
        return List.of(SourceConfig.folder(
                "pipelines", ConfigPaths.path(configFolder, pipelines == null ? "examples/pipelines" : pipelines)));
    }

    /**
     * Makes every relative path of this configuration absolute against {@code folder} (the config file's): the
     * SQLite file, sources, workDir, logDir, the admin token and secrets files, Dropwizard's log files and key
     * stores.
     */
    public void resolvePaths(Path folder) {
        Path base = folder.toAbsolutePath().normalize();
        configFolder = base;
        ConfigPaths.resolve(database, base);
        pipelines = ConfigPaths.path(base, pipelines);
        sources.forEach(source -> ConfigPaths.resolve(source, base));
        workDir = ConfigPaths.path(base, workDir);
        logDir = ConfigPaths.path(base, logDir);
        ConfigPaths.resolve(auth, base);
        ConfigPaths.resolve(secrets, base);
        libraries.setCache(ConfigPaths.path(base, libraries.getCache()));
        ConfigPaths.resolve(getLoggingFactory(), base);
        ConfigPaths.resolve(getServerFactory(), base);
    }

    /** The folder relative paths resolve against: the config file's, or the working directory. */
    @JsonIgnore
    public Path configFolder() {
        return configFolder;
    }

    /** Where the daemon keeps what it makes itself (git sources' clones): {@code data} in {@link #configFolder}. */
    @JsonIgnore
    public Path dataFolder() {
        return configFolder.resolve("data");
    }

    @ValidationMethod(
            message = "set either 'pipelines' (one folder) or 'sources', not both; source names must be " + "unique")
    @JsonIgnore
    public boolean isSourcesConsistent() {
        if (!sources.isEmpty() && pipelines != null) {
            return false;
        }
        return sources.stream().map(SourceConfig::getName).distinct().count() == sources.size();
    }

    @ValidationMethod(message = "alerting.onFailure, onSuccess and onRetry may only name webhooks of 'webhooks'")
    @JsonIgnore
    public boolean isAlertDefaultsKnown() {
        List<String> named = new ArrayList<>(alerting.getOnFailure());
        named.addAll(alerting.getOnSuccess());
        named.addAll(alerting.getOnRetry());
        return webhooks.keySet().containsAll(named);
    }

    @JsonProperty
    public String getWorkDir() {
        return workDir;
    }

    @JsonProperty
    public void setWorkDir(String workDir) {
        this.workDir = workDir;
    }

    @JsonProperty
    public String getLogDir() {
        return logDir;
    }

    @JsonProperty
    public void setLogDir(String logDir) {
        this.logDir = logDir;
    }

    @JsonProperty
    public DataSize getAttemptLogLimit() {
        return attemptLogLimit;
    }

    @JsonProperty
    public void setAttemptLogLimit(DataSize attemptLogLimit) {
        this.attemptLogLimit = attemptLogLimit;
    }

    @JsonProperty
    public Map<String, ExecutorConfig> getExecutors() {
        return executors;
    }

    @JsonProperty
    public void setExecutors(Map<String, ExecutorConfig> executors) {
        this.executors = executors;
    }

    @JsonProperty
    public Map<String, PoolConfig> getPools() {
        return pools;
    }

    @JsonProperty
    public void setPools(Map<String, PoolConfig> pools) {
        this.pools = pools;
    }

    /** Each pool's size by name. */
    public Map<String, Integer> poolSizes() {
        Map<String, Integer> sizes = new LinkedHashMap<>();
        pools.forEach((name, pool) -> sizes.put(name, pool.getSize()));
        return sizes;
    }

    @JsonProperty
    public String getDefaultExecutor() {
        return defaultExecutor;
    }

    @JsonProperty
    public void setDefaultExecutor(String defaultExecutor) {
        this.defaultExecutor = defaultExecutor;
    }

    /**
     * What pipeline files are checked against: this config's executor, webhook and pool names and default executor. The
     * daemon's load and {@code validate --config} both use it, so they refuse the same files.
     */
    public ParserOptions parserOptions() {
        return new ParserOptions(
                Optional.of(executors.keySet()),
                Optional.of(webhooks.keySet()),
                defaultExecutor,
                // stream: tasks run where the attempt's thread can follow the query (docs/triggers.md)
                Optional.of(executors.entrySet().stream()
                        .filter(e -> "local".equals(e.getValue().getType()))
                        .map(Map.Entry::getKey)
                        .collect(Collectors.toSet())),
                runPipelineMaxDepth,
                Optional.of(pools.keySet()),
                forEachMaxIterations);
    }

    @JsonProperty
    public int getForEachMaxIterations() {
        return forEachMaxIterations;
    }

    @JsonProperty
    public void setForEachMaxIterations(int forEachMaxIterations) {
        this.forEachMaxIterations = forEachMaxIterations;
    }

    @JsonProperty
    public int getRunPipelineMaxDepth() {
        return runPipelineMaxDepth;
    }

    @JsonProperty
    public void setRunPipelineMaxDepth(int runPipelineMaxDepth) {
        this.runPipelineMaxDepth = runPipelineMaxDepth;
    }

    @JsonProperty
    public Map<String, WebhookConfig> getWebhooks() {
        return webhooks;
    }

    @JsonProperty
    public void setWebhooks(Map<String, WebhookConfig> webhooks) {
        this.webhooks = webhooks == null ? new LinkedHashMap<>() : webhooks;
    }

    @JsonProperty
    public AlertingConfig getAlerting() {
        return alerting;
    }

    @JsonProperty
    public void setAlerting(AlertingConfig alerting) {
        this.alerting = alerting;
    }

    @JsonProperty
    public SecretsConfig getSecrets() {
        return secrets;
    }

    @JsonProperty
    public void setSecrets(SecretsConfig secrets) {
        this.secrets = secrets == null ? new SecretsConfig() : secrets;
    }
}
