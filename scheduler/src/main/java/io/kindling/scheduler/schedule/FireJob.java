package io.kindling.scheduler.schedule;

import io.kindling.dsl.Pipeline;
import java.time.Instant;
import java.util.List;
import java.util.function.Function;
import org.quartz.DisallowConcurrentExecution;
import org.quartz.Job;
import org.quartz.JobExecutionContext;

/**
 * The only Quartz job: its data names a schedule (cron and time zone); a fire hands the pipelines that have that
 * schedule now, and the scheduled time, to the handler.
 */
@DisallowConcurrentExecution
final class FireJob implements Job {
    private final FireHandler handler;
    private final Function<ScheduleKey, List<Pipeline>> pipelines;
    private final AfterFire afterFire;

    /** Sets the schedule's next wake-up, after a fire at {@code scheduledTime}. */
    @FunctionalInterface
    interface AfterFire {
        void fired(ScheduleKey key, List<Pipeline> firing, Instant scheduledTime);
    }

    FireJob(FireHandler handler, Function<ScheduleKey, List<Pipeline>> pipelines, AfterFire afterFire) {
        this.handler = handler;
        this.pipelines = pipelines;
        this.afterFire = afterFire;
    }

    @Override
    public void execute(JobExecutionContext context) {
        ScheduleKey key = ScheduleKey.of(context.getMergedJobDataMap());
        List<Pipeline> firing = pipelines.apply(key);
        if (!firing.isEmpty()) { // a reload removed them and has not yet removed the trigger
            // a prepare wake-up is for the fire time in its data, a while after its own
            Instant scheduled = context.getTrigger().getJobDataMap().containsKey(CronScheduler.PREPARES)
                    ? Instant.ofEpochMilli(context.getTrigger().getJobDataMap().getLong(CronScheduler.PREPARES))
                    : context.getScheduledFireTime().toInstant();
            handler.fire(firing, scheduled);
            afterFire.fired(key, firing, scheduled);
        }
    }
}
