package io.kindling.scheduler.schedule;

import io.kindling.dsl.Pipeline;
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

    FireJob(FireHandler handler, Function<ScheduleKey, List<Pipeline>> pipelines) {
        this.handler = handler;
        this.pipelines = pipelines;
    }

    @Override
    public void execute(JobExecutionContext context) {
        List<Pipeline> firing = pipelines.apply(ScheduleKey.of(context.getMergedJobDataMap()));
        if (!firing.isEmpty()) { // a reload removed them and has not yet removed the trigger
            handler.fire(firing, context.getScheduledFireTime().toInstant());
        }
    }
}
