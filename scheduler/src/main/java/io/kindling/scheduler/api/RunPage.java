package io.kindling.scheduler.api;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;

/** A page of runs, newest first; pass {@code next} as {@code before} to get the following page (null at the end). */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record RunPage(List<RunView> runs, String next) {}
