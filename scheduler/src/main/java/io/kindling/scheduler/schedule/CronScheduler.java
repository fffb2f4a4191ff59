package io.kindling.scheduler.schedule;

import io.dropwizard.lifecycle.Managed;
import io.kindling.dsl.Pipeline;
import io.kindling.dsl.Schedule;
import java.time.Instant;
import java.util.Collection;
import java.util.Date;
import java.util.Optional;
import java.util.Properties;
import java.util.TimeZone;
import org.quartz.CronScheduleBuilder;
import org.quartz.JobBuilder;
import org.quartz.JobDetail;
import org.quartz.JobKey;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.quartz.TriggerKey;
import org.quartz.impl.StdSchedulerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Quartz decides when; the run engine decides what. One job and one cron trigger per scheduled pipeline; a
 * fire only hands (pipeline, scheduled time) to {@link FireHandler}.
 */
public final class CronScheduler implements Managed {
    private static final Logger LOG = LoggerFactory.getLogger(CronScheduler.class);
    private static final String GROUP = "pipelines";

    private final Scheduler scheduler;

    public CronScheduler(FireHandler handler) {
        Properties props = new Properties();
        props.setProperty("org.quartz.scheduler.instanceName", "kindling");
        props.setProperty("org.quartz.scheduler.skipUpdateCheck", "true");
        props.setProperty("org.quartz.threadPool.threadCount", "2");
        props.setProperty("org.quartz.jobStore.class", "org.quartz.simpl.RAMJobStore");
        props.setProperty("org.quartz.jobStore.misfireThreshold", "60000");
        try {
            scheduler = new StdSchedulerFactory(props).getScheduler();
            scheduler.setJobFactory((bundle, s) -> new FireJob(handler));
        } catch (SchedulerException e) {
            throw new IllegalStateException("cannot create the Quartz scheduler", e);
        }
    }

    /** Replaces the triggers with one per scheduled pipeline in {@code pipelines}. */
    public synchronized void scheduleAll(Collection<Pipeline> pipelines) {
        try {
            for (JobKey key : scheduler.getJobKeys(org.quartz.impl.matchers.GroupMatcher.jobGroupEquals(GROUP))) {
                scheduler.deleteJob(key);
            }
            for (Pipeline p : pipelines) {
                p.schedule().ifPresent(s -> schedule(p.id(), s));
            }
        } catch (SchedulerException e) {
            throw new IllegalStateException("cannot schedule pipelines", e);
        }
    }

    private void schedule(String pipelineId, Schedule schedule) {
        JobDetail job = JobBuilder.newJob(FireJob.class).withIdentity(pipelineId, GROUP).build();
        // Fire-and-proceed: after downtime a pipeline fires once for the times it missed, then follows its cron.
        Trigger trigger = TriggerBuilder.newTrigger()
                .withIdentity(pipelineId, GROUP)
                .withSchedule(CronScheduleBuilder.cronSchedule(schedule.quartzCron())
                        .inTimeZone(TimeZone.getTimeZone(schedule.timezone()))
                        .withMisfireHandlingInstructionFireAndProceed())
                .build();
        try {
            scheduler.scheduleJob(job, trigger);
            LOG.info("Scheduled {} with '{}' in {}", pipelineId, schedule.expression(), schedule.timezone());
        } catch (SchedulerException e) {
            throw new IllegalStateException("cannot schedule " + pipelineId, e);
        }
    }

    public Optional<Instant> nextFireTime(String pipelineId) {
        try {
            Trigger trigger = scheduler.getTrigger(TriggerKey.triggerKey(pipelineId, GROUP));
            return Optional.ofNullable(trigger).map(Trigger::getNextFireTime).map(Date::toInstant);
        } catch (SchedulerException e) {
            return Optional.empty();
        }
    }

    @Override
    public void start() throws SchedulerException {
        scheduler.start();
    }

    @Override
    public void stop() throws SchedulerException {
        scheduler.shutdown(true);
    }
}
