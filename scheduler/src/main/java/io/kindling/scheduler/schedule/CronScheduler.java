package io.kindling.scheduler.schedule;

import io.dropwizard.lifecycle.Managed;
import io.kindling.dsl.Pipeline;
import io.kindling.dsl.Schedule;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Collection;
import java.util.HashSet;
import java.util.Properties;
import java.util.Set;
import java.util.TimeZone;
import javax.sql.DataSource;
import org.quartz.CronScheduleBuilder;
import org.quartz.CronTrigger;
import org.quartz.JobBuilder;
import org.quartz.JobDetail;
import org.quartz.JobKey;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.quartz.TriggerKey;
import org.quartz.impl.StdSchedulerFactory;
import org.quartz.impl.matchers.GroupMatcher;
import org.quartz.utils.ConnectionProvider;
import org.quartz.utils.DBConnectionManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Quartz wakes the scheduler at each cron time; {@link ScheduleTicker} decides what is due. One job and one cron
 * trigger per scheduled pipeline; a fire only hands (pipeline, scheduled time) to {@link FireHandler}.
 *
 * <p>Quartz keeps its triggers in the run history's database (its JDBC job store, tables made by Flyway), so they
 * and their next fire times survive restarts. With several daemons (PostgreSQL) Quartz runs clustered: each fire
 * goes to exactly one daemon, and a daemon that dies has its fires taken over by the others.
 */
public final class CronScheduler implements Managed {
    private static final Logger LOG = LoggerFactory.getLogger(CronScheduler.class);
    private static final String GROUP = "pipelines";

    private final Scheduler scheduler;

    /**
     * @param dataSource the run history's pool
     * @param clustered  several daemons may share the database (needs row locks: PostgreSQL, not SQLite)
     * @param instanceId this daemon's id in the Quartz cluster
     */
    public CronScheduler(FireHandler handler, DataSource dataSource, boolean clustered, String instanceId) {
        // Quartz finds its connections by name in a JVM-wide registry: one name per scheduler built.
        String dataSourceName = "kindling-" + instanceId;
        DBConnectionManager.getInstance().addConnectionProvider(dataSourceName, new PooledConnections(dataSource));
        Properties props = new Properties();
        // The scheduler name is the cluster's: every daemon on the database shares its triggers.
        props.setProperty("org.quartz.scheduler.instanceName", "kindling");
        props.setProperty("org.quartz.scheduler.instanceId", instanceId);
        props.setProperty("org.quartz.scheduler.skipUpdateCheck", "true");
        props.setProperty("org.quartz.threadPool.threadCount", "2");
        props.setProperty("org.quartz.jobStore.class", "org.quartz.impl.jdbcjobstore.JobStoreTX");
        props.setProperty("org.quartz.jobStore.dataSource", dataSourceName);
        // Reads job data with getBytes, which both PostgreSQL's and SQLite's drivers have (SQLite's lacks getBlob).
        props.setProperty("org.quartz.jobStore.driverDelegateClass",
                "org.quartz.impl.jdbcjobstore.PostgreSQLDelegate");
        props.setProperty("org.quartz.jobStore.misfireThreshold", "60000");
        props.setProperty("org.quartz.jobStore.isClustered", Boolean.toString(clustered));
        props.setProperty("org.quartz.jobStore.clusterCheckinInterval", "5000");
        props.setProperty("org.quartz.jobStore.acquireTriggersWithinLock", "true");
        try {
            scheduler = new StdSchedulerFactory(props).getScheduler();
            scheduler.setJobFactory((bundle, s) -> new FireJob(handler));
        } catch (SchedulerException e) {
            throw new IllegalStateException("cannot create the Quartz scheduler", e);
        }
    }

    /**
     * Makes the stored triggers one per scheduled pipeline in {@code pipelines}: a trigger whose cron and time zone
     * are unchanged is kept as stored (with its next fire time), others are replaced, and those of pipelines that
     * are gone or unscheduled are deleted.
     */
    public synchronized void scheduleAll(Collection<Pipeline> pipelines) {
        try {
            Set<JobKey> stale = new HashSet<>(scheduler.getJobKeys(GroupMatcher.jobGroupEquals(GROUP)));
            for (Pipeline p : pipelines) {
                if (p.schedule().isPresent()) {
                    stale.remove(JobKey.jobKey(p.id(), GROUP));
                    if (!unchanged(p.id(), p.schedule().get())) {
                        schedule(p.id(), p.schedule().get());
                    }
                }
            }
            for (JobKey key : stale) {
                scheduler.deleteJob(key);
                LOG.info("Unscheduled {}", key.getName());
            }
        } catch (SchedulerException e) {
            throw new IllegalStateException("cannot schedule pipelines", e);
        }
    }

    private boolean unchanged(String pipelineId, Schedule schedule) throws SchedulerException {
        Trigger stored = scheduler.getTrigger(TriggerKey.triggerKey(pipelineId, GROUP));
        return stored instanceof CronTrigger cron
                && cron.getCronExpression().equals(schedule.quartzCron())
                && cron.getTimeZone().getID().equals(schedule.timezone().getId())
                && cron.getMisfireInstruction() == CronTrigger.MISFIRE_INSTRUCTION_DO_NOTHING;
    }

    private void schedule(String pipelineId, Schedule schedule) {
        JobDetail job = JobBuilder.newJob(FireJob.class).withIdentity(pipelineId, GROUP).build();
        // Missed fires are not Quartz's business: the ticker catches up from its cursor, so Quartz does nothing.
        Trigger trigger = TriggerBuilder.newTrigger()
                .withIdentity(pipelineId, GROUP)
                .withSchedule(CronScheduleBuilder.cronSchedule(schedule.quartzCron())
                        .inTimeZone(TimeZone.getTimeZone(schedule.timezone()))
                        .withMisfireHandlingInstructionDoNothing())
                .build();
        try {
            scheduler.scheduleJob(job, Set.of(trigger), true);
            LOG.info("Scheduled {} with '{}' in {}", pipelineId, schedule.expression(), schedule.timezone());
        } catch (SchedulerException e) {
            throw new IllegalStateException("cannot schedule " + pipelineId, e);
        }
    }

    @Override
    public void start() throws SchedulerException {
        scheduler.start();
    }

    /** Stops firing on this daemon, for good (it was taken for dead by another). */
    public void standby() {
        try {
            scheduler.standby();
        } catch (SchedulerException e) {
            LOG.warn("Could not put Quartz in standby", e);
        }
    }

    public boolean running() {
        try {
            return scheduler.isStarted() && !scheduler.isInStandbyMode() && !scheduler.isShutdown();
        } catch (SchedulerException e) {
            return false;
        }
    }

    @Override
    public void stop() throws SchedulerException {
        scheduler.shutdown(true);
    }

    /** Quartz's connections come from the daemon's pool; Quartz runs its own transactions on them. */
    private record PooledConnections(DataSource dataSource) implements ConnectionProvider {
        @Override
        public Connection getConnection() throws SQLException {
            return dataSource.getConnection();
        }

        @Override
        public void shutdown() {
            // the pool belongs to the daemon and is closed with it
        }

        @Override
        public void initialize() {
        }
    }
}
