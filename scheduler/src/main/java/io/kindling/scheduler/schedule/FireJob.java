package io.kindling.scheduler.schedule;

import org.quartz.DisallowConcurrentExecution;
import org.quartz.Job;
import org.quartz.JobExecutionContext;

/** The only Quartz job: tells the handler which pipeline fired and for which scheduled time. */
@DisallowConcurrentExecution
final class FireJob implements Job {
    private final FireHandler handler;

    FireJob(FireHandler handler) {
        this.handler = handler;
    }

    @Override
    public void execute(JobExecutionContext context) {
        handler.fire(context.getJobDetail().getKey().getName(), context.getScheduledFireTime().toInstant());
    }
}
