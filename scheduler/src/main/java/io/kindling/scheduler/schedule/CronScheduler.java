package io.kindling.scheduler.schedule;

import io.dropwizard.lifecycle.Managed;
import io.kindling.dsl.CronSchedules;
import io.kindling.dsl.Pipeline;
import io.kindling.dsl.Schedule;
import java.sql.Connection;
import java.sql.SQLException;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.Date;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TimeZone;
import java.util.TreeMap;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.quartz.CronExpression;
import org.quartz.CronScheduleBuilder;
import org.quartz.CronTrigger;
import org.quartz.JobBuilder;
import org.quartz.JobDetail;
import org.quartz.JobKey;
import org.quartz.ObjectAlreadyExistsException;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.SimpleScheduleBuilder;
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
 * trigger per distinct schedule (cron expression and time zone), not per pipeline: Quartz's JDBC store does a few
 * write transactions per trigger fire, so a thousand pipelines on one cron cost one fire, not a thousand. A fire
 * hands the pipelines that have that schedule at fire time (from the registry), and the scheduled time, to
 * {@link FireHandler}.
 *
 * <p>Quartz keeps its triggers in the run history's database (its JDBC job store, tables made by Flyway), so they
 * and their next fire times survive restarts. With several daemons (PostgreSQL) Quartz runs clustered: each fire
 * goes to exactly one daemon, and a daemon that dies has its fires taken over by the others.
 */
public final class CronScheduler implements Managed {
    private static final Logger LOG = LoggerFactory.getLogger(CronScheduler.class);
    /** Triggers are per schedule in this group. */
    private static final String GROUP = "schedules";
    /** Earlier versions kept one trigger per pipeline in this group; {@link #scheduleAll} deletes them. */
    private static final String PER_PIPELINE_GROUP = "pipelines";
    /**
     * One-shot wake-ups, one at most per schedule, for the fire times Quartz's cron trigger does not wake us for: a
     * time in a spring-forward gap that runs after the jump ({@code dst_gap: run_after}), and the second pass of a
     * repeated autumn hour when Quartz counts from inside the first. Named like the schedule's trigger.
     */
    private static final String WAKE_GROUP = "schedules-wake";
    /**
     * One-shot wake-ups {@link #PREPARE_LEAD} before the next fire of a schedule that many pipelines share (see
     * {@link #CronScheduler(FireHandler, Supplier, DataSource, boolean, String, Clock, int)}). Named like the
     * schedule's trigger; {@link #PREPARES} in their data is the fire time they are for.
     */
    private static final String PREPARE_GROUP = "schedules-prepare";

    static final String PREPARES = "prepares";
    /**
     * How early a large fire is prepared: more than writing 10,000 runs takes on PostgreSQL here (about 300 ms), and
     * within {@link ScheduleTicker#EARLY_WAKE}, so the ticker ticks for the fire's time.
     */
    static final Duration PREPARE_LEAD = Duration.ofMillis(700);
    /**
     * The daemon prepares fires of this many pipelines or more ahead, on PostgreSQL: where writing their runs takes
     * tens of milliseconds (about 30 ms for 1,000 here), and one Quartz thread held for {@link #PREPARE_LEAD} is a
     * small price.
     */
    public static final int PREPARE_FROM = 1_000;
    /** Never prepare fires ahead (SQLite: an open write transaction would hold every other writer back). */
    public static final int NEVER_PREPARE = Integer.MAX_VALUE;

    private final Scheduler scheduler;
    private final Clock clock;
    private final int prepareFrom;

    /**
     * @param pipelines  the registry's pipelines now: a fire goes to those that have the trigger's schedule
     * @param dataSource the run history's pool
     * @param clustered  several daemons may share the database (needs row locks: PostgreSQL, not SQLite)
     * @param instanceId this daemon's id in the Quartz cluster
     */
    public CronScheduler(
            FireHandler handler,
            Supplier<? extends Collection<Pipeline>> pipelines,
            DataSource dataSource,
            boolean clustered,
            String instanceId) {
        this(handler, pipelines, dataSource, clustered, instanceId, Clock.systemUTC());
    }

    /** @param clock what "now" is when the wake-ups are worked out on (re)load */
    public CronScheduler(
            FireHandler handler,
            Supplier<? extends Collection<Pipeline>> pipelines,
            DataSource dataSource,
            boolean clustered,
            String instanceId,
            Clock clock) {
        this(handler, pipelines, dataSource, clustered, instanceId, clock, NEVER_PREPARE);
    }

    /**
     * @param prepareFrom a schedule that this many pipelines or more share is also woken {@link #PREPARE_LEAD} before
     *     each fire, with the fire's time: its runs are written then and committed at that time, so a fire of
     *     thousands of pipelines is not late by the time it takes to write their runs. {@link #NEVER_PREPARE} turns
     *     it off. The prepared fire runs as the schedule's job, so the cron trigger's own fire waits for it (one job
     *     runs at a time), then finds nothing left due.
     */
    public CronScheduler(
            FireHandler handler,
            Supplier<? extends Collection<Pipeline>> pipelines,
            DataSource dataSource,
            boolean clustered,
            String instanceId,
            Clock clock,
            int prepareFrom) {
        this.clock = clock;
        this.prepareFrom = prepareFrom;
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
        props.setProperty("org.quartz.jobStore.driverDelegateClass", "org.quartz.impl.jdbcjobstore.PostgreSQLDelegate");
        props.setProperty("org.quartz.jobStore.misfireThreshold", "60000");
        props.setProperty("org.quartz.jobStore.isClustered", Boolean.toString(clustered));
        props.setProperty("org.quartz.jobStore.clusterCheckinInterval", "5000");
        props.setProperty("org.quartz.jobStore.acquireTriggersWithinLock", "true");
        try {
            scheduler = new StdSchedulerFactory(props).getScheduler();
            scheduler.setJobFactory((bundle, s) -> new FireJob(
                    handler,
                    key -> withSchedule(pipelines.get(), key),
                    (key, firing, scheduledTime) -> wakeQuietly(key, schedules(firing), scheduledTime)));
        } catch (SchedulerException e) {
            throw new IllegalStateException("cannot create the Quartz scheduler", e);
        }
    }

    private static List<Pipeline> withSchedule(Collection<Pipeline> pipelines, ScheduleKey key) {
        return pipelines.stream()
                .filter(p -> p.schedule().isPresent()
                        && ScheduleKey.of(p.schedule().get()).equals(key))
                .toList();
    }

    /**
     * Makes the stored triggers one per distinct schedule of the scheduled pipelines in {@code pipelines}: a
     * schedule that still has a trigger keeps it as stored (with its next fire time), a new one gets one, and
     * triggers of schedules no pipeline has any more are deleted. Changing one pipeline's cron thus moves only it.
     */
    public synchronized void scheduleAll(Collection<Pipeline> pipelines) {
        try {
            Map<ScheduleKey, List<Schedule>> schedules = new LinkedHashMap<>();
            for (Pipeline p : pipelines) {
                p.schedule()
                        .ifPresent(s -> schedules
                                .computeIfAbsent(ScheduleKey.of(s), k -> new ArrayList<>())
                                .add(s));
            }
            Set<JobKey> stale = new HashSet<>(scheduler.getJobKeys(GroupMatcher.jobGroupEquals(GROUP)));
            stale.addAll(scheduler.getJobKeys(GroupMatcher.jobGroupEquals(PER_PIPELINE_GROUP)));
            Instant now = clock.instant();
            for (Map.Entry<ScheduleKey, List<Schedule>> e : schedules.entrySet()) {
                stale.remove(JobKey.jobKey(e.getKey().name(), GROUP));
                if (!unchanged(e.getKey())) {
                    schedule(e.getKey(), e.getValue().get(0));
                }
                wakeQuietly(e.getKey(), e.getValue(), now);
            }
            for (JobKey key : stale) {
                scheduler.deleteJob(key);
                LOG.info("Unscheduled '{}'", key.getName());
            }
        } catch (SchedulerException e) {
            throw new IllegalStateException("cannot schedule pipelines", e);
        }
    }

    private static List<Schedule> schedules(List<Pipeline> pipelines) {
        return pipelines.stream().flatMap(p -> p.schedule().stream()).toList();
    }

    /** A wake-up that cannot be set is logged, not thrown: the cron trigger and the next reload still wake us. */
    private synchronized void wakeQuietly(ScheduleKey key, List<Schedule> schedules, Instant after) {
        try {
            wake(key, schedules, after);
        } catch (SchedulerException | RuntimeException e) {
            LOG.warn("Could not set the next wake-up of '{}' in {}", key.quartzCron(), key.timezone(), e);
        }
    }

    /**
     * Sets the one-shot wake-up of a schedule when its next fire time after {@code after} (by {@link
     * CronSchedules#nextFireTime}, the rule the ticker follows) comes before the next time Quartz's cron trigger
     * computes from there, and removes it otherwise. The ticker decides what is due; a wake-up only makes it look.
     */
    private void wake(ScheduleKey key, List<Schedule> schedules, Instant after) throws SchedulerException {
        // thousands of pipelines on one cron have a handful of distinct schedules: one next time each
        Optional<Instant> next = schedules.stream()
                .distinct()
                .flatMap(s -> CronSchedules.nextFireTime(s, after).stream())
                .min(Comparator.naturalOrder());
        prepare(key, schedules.size(), next);
        Date quartzNext;
        try {
            CronExpression quartz = new CronExpression(key.quartzCron());
            quartz.setTimeZone(TimeZone.getTimeZone(key.timezone()));
            quartzNext = quartz.getNextValidTimeAfter(Date.from(after));
        } catch (ParseException e) {
            throw new IllegalStateException("a loaded schedule is not a Quartz expression: " + key.quartzCron(), e);
        }
        TriggerKey wakeKey = TriggerKey.triggerKey(key.name(), WAKE_GROUP);
        if (next.isPresent() && (quartzNext == null || next.get().isBefore(quartzNext.toInstant()))) {
            Trigger trigger = TriggerBuilder.newTrigger()
                    .withIdentity(wakeKey)
                    .forJob(JobKey.jobKey(key.name(), GROUP))
                    // one already due fires now: Quartz leaves a trigger long overdue to its slower misfire pass
                    .startAt(Date.from(Collections.max(List.of(next.get(), Instant.now()))))
                    .withSchedule(SimpleScheduleBuilder.simpleSchedule().withMisfireHandlingInstructionFireNow())
                    .build();
            // another daemon may set the same wake-up at the same moment: whichever comes second replaces it
            try {
                scheduler.scheduleJob(trigger);
            } catch (ObjectAlreadyExistsException e) {
                scheduler.rescheduleJob(wakeKey, trigger);
            }
            LOG.info(
                    "Wake-up for '{}' in {} at {} (Quartz's cron would not wake us then)",
                    key.quartzCron(),
                    key.timezone(),
                    next.get());
        } else if (scheduler.checkExists(wakeKey)) {
            scheduler.unscheduleJob(wakeKey);
        }
    }

    /**
     * Sets the schedule's prepare wake-up {@link #PREPARE_LEAD} before its next fire when {@code pipelines} share it
     * and are {@link #prepareFrom} or more, and removes it when they are fewer. A next fire too close to prepare for
     * keeps what is set.
     */
    private void prepare(ScheduleKey key, int pipelines, Optional<Instant> next) throws SchedulerException {
        TriggerKey prepareKey = TriggerKey.triggerKey(key.name(), PREPARE_GROUP);
        if (pipelines < prepareFrom || next.isEmpty()) {
            if (scheduler.checkExists(prepareKey)) {
                scheduler.unscheduleJob(prepareKey);
            }
            return;
        }
        Instant at = next.get().minus(PREPARE_LEAD);
        if (!at.isAfter(Instant.now())) {
            return;
        }
        Trigger trigger = TriggerBuilder.newTrigger()
                .withIdentity(prepareKey)
                .forJob(JobKey.jobKey(key.name(), GROUP))
                .usingJobData(PREPARES, next.get().toEpochMilli())
                .startAt(Date.from(at))
                // late by Quartz's misfire threshold, it is dropped: the cron trigger's fire does the work
                .withSchedule(
                        SimpleScheduleBuilder.simpleSchedule().withMisfireHandlingInstructionNextWithRemainingCount())
                .build();
        try {
            scheduler.scheduleJob(trigger);
        } catch (ObjectAlreadyExistsException e) {
            scheduler.rescheduleJob(prepareKey, trigger);
        }
    }

    /** The prepare wake-ups, by schedule name, with the fire times they prepare. */
    public Map<String, Instant> prepares() {
        try {
            Map<String, Instant> out = new TreeMap<>();
            for (TriggerKey key : scheduler.getTriggerKeys(GroupMatcher.triggerGroupEquals(PREPARE_GROUP))) {
                Trigger trigger = scheduler.getTrigger(key);
                if (trigger != null && trigger.getNextFireTime() != null) {
                    out.put(
                            key.getName(),
                            Instant.ofEpochMilli(trigger.getJobDataMap().getLong(PREPARES)));
                }
            }
            return out;
        } catch (SchedulerException e) {
            throw new IllegalStateException("cannot read the triggers", e);
        }
    }

    /** The one-shot wake-ups, by schedule name, with their times. */
    public Map<String, Instant> wakeUps() {
        return triggersOf(WAKE_GROUP);
    }

    private boolean unchanged(ScheduleKey key) throws SchedulerException {
        Trigger stored = scheduler.getTrigger(TriggerKey.triggerKey(key.name(), GROUP));
        return stored instanceof CronTrigger cron
                && cron.getCronExpression().equals(key.quartzCron())
                && cron.getTimeZone().getID().equals(key.timezone())
                && cron.getMisfireInstruction() == CronTrigger.MISFIRE_INSTRUCTION_DO_NOTHING;
    }

    private void schedule(ScheduleKey key, Schedule schedule) {
        JobDetail job = JobBuilder.newJob(FireJob.class)
                .withIdentity(key.name(), GROUP)
                .usingJobData(ScheduleKey.CRON, key.quartzCron())
                .usingJobData(ScheduleKey.TIMEZONE, key.timezone())
                .build();
        // Missed fires are not Quartz's business: the ticker catches up from its cursors, so Quartz does nothing.
        Trigger trigger = TriggerBuilder.newTrigger()
                .withIdentity(key.name(), GROUP)
                .withSchedule(CronScheduleBuilder.cronSchedule(schedule.quartzCron())
                        .inTimeZone(TimeZone.getTimeZone(schedule.timezone()))
                        .withMisfireHandlingInstructionDoNothing())
                .build();
        try {
            scheduler.scheduleJob(job, Set.of(trigger), true);
            LOG.info("Scheduled '{}' in {}", schedule.quartzCron(), schedule.timezone());
        } catch (SchedulerException e) {
            throw new IllegalStateException("cannot schedule '" + schedule.expression() + "'", e);
        }
    }

    /** The stored triggers, by name (time zone and cron expression), with their next fire times. */
    public Map<String, Instant> triggers() {
        return triggersOf(GROUP);
    }

    private Map<String, Instant> triggersOf(String group) {
        try {
            Map<String, Instant> out = new TreeMap<>();
            for (TriggerKey key : scheduler.getTriggerKeys(GroupMatcher.triggerGroupEquals(group))) {
                Trigger trigger = scheduler.getTrigger(key);
                if (trigger != null && trigger.getNextFireTime() != null) {
                    out.put(key.getName(), trigger.getNextFireTime().toInstant());
                }
            }
            return out;
        } catch (SchedulerException e) {
            throw new IllegalStateException("cannot read the triggers", e);
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
        public void initialize() {}
    }
}
