package io.kindling.scheduler.schedule;

import io.dropwizard.lifecycle.Managed;
import io.kindling.dsl.Pipeline;
import io.kindling.dsl.Schedule;
import java.util.Collection;
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
import org.quartz.impl.StdSchedulerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Quartz wakes the scheduler at each cron time; {@link ScheduleTicker} decides what is due. One job and one cron
 * trigger per scheduled pipeline; a fire only hands (pipeline, scheduled time) to {@link FireHandler}.
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
        // Missed fires are not Quartz's business: the ticker catches up from its cursor, so Quartz does nothing.
        Trigger trigger = TriggerBuilder.newTrigger()
                .withIdentity(pipelineId, GROUP)
                .withSchedule(CronScheduleBuilder.cronSchedule(schedule.quartzCron())
                        .inTimeZone(TimeZone.getTimeZone(schedule.timezone()))
                        .withMisfireHandlingInstructionDoNothing())
                .build();
        try {
            scheduler.scheduleJob(job, trigger);
            LOG.info("Scheduled {} with '{}' in {}", pipelineId, schedule.expression(), schedule.timezone());
        } catch (SchedulerException e) {
            throw new IllegalStateException("cannot schedule " + pipelineId, e);
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
