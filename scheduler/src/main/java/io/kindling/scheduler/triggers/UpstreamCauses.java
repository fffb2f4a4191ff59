package io.kindling.scheduler.triggers;

import io.kindling.dsl.UpstreamTrigger;
import io.kindling.scheduler.db.RunQueries;
import io.kindling.scheduler.model.RunRecord;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The upstream runs that made a run of {@code trigger: {after: ...}}, read back from the key it was made under
 * rather than stored again: a key naming a run ({@code run:<id>.<repair>}: {@code match: any}, and an upstream rerun)
 * names it; a day's key ({@code date:<date>}) stands for each upstream's newest run of that day in the wanted state
 * that had ended when the downstream run was made, which is what the trigger waited for.
 */
public final class UpstreamCauses {
    private static final Pattern DATE = Pattern.compile("^date:(\\d{4}-\\d{2}-\\d{2})");
    private static final Pattern RUN = Pattern.compile("run:(.+)\\.\\d+$");

    private UpstreamCauses() {}

    /** @param trigger the pipeline's trigger as defined now: a day's upstreams are its {@code after:} entries */
    public static List<RunRecord> of(RunRecord run, Optional<UpstreamTrigger> trigger, RunQueries runs) {
        Optional<String> key = runs.runKey(run.pipelineId(), run.runId());
        if (key.isEmpty()) {
            return List.of();
        }
        Matcher named = RUN.matcher(key.get());
        if (named.find()) {
            return runs.findRun(named.group(1)).map(List::of).orElse(List.of());
        }
        Matcher day = DATE.matcher(key.get());
        if (!day.find() || trigger.isEmpty()) {
            return List.of();
        }
        LocalDate date;
        try {
            date = LocalDate.parse(day.group(1));
        } catch (DateTimeException e) {
            return List.of();
        }
        Instant from = date.atStartOfDay(trigger.get().timezone()).toInstant();
        Instant to = date.plusDays(1).atStartOfDay(trigger.get().timezone()).toInstant();
        List<RunRecord> causes = new ArrayList<>();
        for (UpstreamTrigger.After after : trigger.get().after()) {
            runs.runsBetween(after.pipeline(), from, to).stream()
                    .filter(r -> UpstreamTriggers.wanted(after.state(), r.state()))
                    .filter(r -> r.endedAt()
                            .filter(end -> !end.isAfter(run.createdAt()))
                            .isPresent())
                    .max(Comparator.comparing((RunRecord r) -> r.endedAt().orElseThrow()))
                    .ifPresent(causes::add);
        }
        return causes;
    }
}
