package io.kindling.scheduler.api;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;

/** Each executor config.yml names, and whether it can take work (the admin port's health checks, for viewers). */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record ExecutorHealthView(List<Executor> executors) {

    /** @param checkedAt when the answer was asked for: answers are reused for a few seconds */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Executor(String name, boolean healthy, String message, String checkedAt) {}
}
