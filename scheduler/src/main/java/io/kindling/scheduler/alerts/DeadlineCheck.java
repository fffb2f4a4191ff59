package io.kindling.scheduler.alerts;

import io.kindling.dsl.CronSchedules;
import io.kindling.dsl.Deadline;
import io.kindling.dsl.Pipeline;
import io.kindling.dsl.Schedule;
import io.kindling.dsl.UpstreamTrigger;
import io.kindling.scheduler.db.AlertCheckDao;
import io.kindling.scheduler.db.AlertCheckDao.TimedRun;
import io.kindling.scheduler.db.AlertCheckDao.Watermark;
import io.kindling.scheduler.db.AlertDelivery;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code deadline:}: for each scheduled time whose deadline passed since the pipeline was last checked, whether its
 * run (whatever made it) had succeeded ({@code run_late}) or started ({@code run_start_late}) by then, or was never
 * created. A round touches only the pipelines with a deadline due since their last check (kept in memory, and read
 * from the stored watermarks after a start): one read of their watermarks and pause flags, one of the runs of the due
 * times, one update moving the watermarks on. Each alert is raised at most once per pipeline and time
 * ({@code alert_marks}), whichever daemon checks first.
 */
final class DeadlineCheck {
    private static final Logger LOG = LoggerFactory.getLogger(DeadlineCheck.class);
    /** Fire times looked at per pipeline and deadline: a deadline is made for schedules of hours and days. */
    private static final int MAX_TIMES = 1000;

    private final AlertCheckDao dao;
    private final AlertPlanner planner;
    private final Duration lookback;
    /**
     * Per pipeline version and expected times: the first deadline after {@code checked}, as computed when this daemon
     * checked up to there. A round skips a pipeline whose next deadline is still ahead: no cron arithmetic, no
     * statement. The expected times are part of the key because a downstream's come from its upstream's schedule,
     * which can change while the downstream's own version does not.
     */
    private final Map<DueKey, NextDue> nextDue = new HashMap<>();
    /** Versions of pipelines whose deadline cannot be judged, already logged. */
    private final Set<String> unjudged = new HashSet<>();

    private record NextDue(Instant checked, Instant due) {}

    private record DueKey(String version, Schedule expected) {}

    DeadlineCheck(AlertCheckDao dao, AlertPlanner planner, Duration lookback) {
        this.dao = dao;
        this.planner = planner;
        this.lookback = lookback;
    }

    private record Late(Pipeline pipeline, AlertType type, Instant scheduled, Instant deadline) {
        String key() {
            return type.wireName() + ":" + scheduled.toEpochMilli();
        }
    }

    /** Checks deadlines that passed up to {@code upTo}; returns how many alerts this call raised. */
    int check(Collection<Pipeline> pipelines, Instant upTo) {
        Map<String, Pipeline> due = new LinkedHashMap<>();
        Map<String, Pipeline> byId = new HashMap<>();
        pipelines.forEach(p -> byId.put(p.id(), p));
        Map<String, Schedule> expected = new HashMap<>();
        Set<DueKey> current = new HashSet<>();
        for (Pipeline p : pipelines) {
            Optional<Schedule> times = p.deadline().isPresent() ? expectedTimes(p, byId) : Optional.empty();
            if (p.deadline().isPresent() && times.isEmpty() && unjudged.add(version(p))) {
                LOG.warn(
                        "Pipeline {}: its deadline is not checked: it starts after several pipelines with match:"
                                + " any, or after a chain without a schedule, so no time is expected for its runs",
                        p.id());
            }
            if (times.isPresent()) {
                expected.put(p.id(), times.get());
                DueKey key = new DueKey(version(p), times.get());
                current.add(key);
                NextDue next = nextDue.get(key);
                if (next == null || !next.due().isAfter(upTo)) {
                    due.put(p.id(), p);
                }
            }
        }
        nextDue.keySet().retainAll(current);
        if (due.isEmpty()) {
            return 0;
        }
        // only the pipelines with a deadline due (or not seen yet by this daemon) are read and moved on: the stored
        // watermark of the others may lag, and when they are next due, what lies between is judged then
        Map<String, Watermark> checked = dao.watermarks(due.keySet(), upTo);
        List<Late> candidates = new ArrayList<>();
        Map<DueKey, NextDue> computed = new HashMap<>();
        for (Pipeline p : due.values()) {
            Watermark mark = checked.getOrDefault(p.id(), new Watermark(upTo, upTo, false));
            Instant from = mark.checkedUntil();
            if (from.isBefore(upTo.minus(lookback))) {
                from = upTo.minus(lookback);
            }
            if (from.isBefore(upTo) && !mark.paused()) {
                candidates(p, expected.get(p.id()), from, upTo).stream()
                        .filter(late -> !late.scheduled().isBefore(mark.since()))
                        .forEach(candidates::add);
            }
            computed.put(
                    new DueKey(version(p), expected.get(p.id())),
                    new NextDue(upTo, firstDeadlineAfter(p, expected.get(p.id()), upTo)));
        }
        int raised = 0;
        if (!candidates.isEmpty()) {
            raised = raise(candidates, upTo);
        }
        dao.advance(due.keySet(), upTo);
        nextDue.putAll(computed); // only once judged and stored: a round that fails is done again by the next
        return raised;
    }

    /**
     * The times runs of {@code p} are expected for: its schedule's; for a pipeline started after others with
     * {@code match: logical_date}, one a day (its runs' logical time is the date's start in the trigger's zone); with
     * {@code match: any} and one upstream, that upstream's expected times (its runs take the upstream run's logical
     * time). Empty when they cannot be known: several upstreams with {@code any}, or a chain with no schedule.
     */
    static Optional<Schedule> expectedTimes(Pipeline p, Map<String, Pipeline> all) {
        Pipeline current = p;
        for (int depth = 0; depth <= all.size(); depth++) {
            if (current.schedule().isPresent()) {
                return current.schedule();
            }
            Optional<UpstreamTrigger> trigger = current.trigger();
            if (trigger.isEmpty()) {
                return Optional.empty();
            }
            if (trigger.get().match() == UpstreamTrigger.Match.LOGICAL_DATE) {
                return Optional.of(
                        new Schedule("@daily", "0 0 0 * * ?", trigger.get().timezone(), false));
            }
            if (trigger.get().after().size() != 1) {
                return Optional.empty();
            }
            current = all.get(trigger.get().after().get(0).pipeline());
            if (current == null) {
                return Optional.empty();
            }
        }
        return Optional.empty(); // a cycle, which the upstream trigger refuses anyway
    }

    private static String version(Pipeline p) {
        return p.id() + "@" + p.contentHash();
    }

    /**
     * The first deadline of {@code p} (start or done) for the times of {@code schedule} after {@code after};
     * {@link Instant#MAX} if none.
     */
    static Instant firstDeadlineAfter(Pipeline p, Schedule schedule, Instant after) {
        Deadline d = p.deadline().orElseThrow();
        Instant first = Instant.MAX;
        for (Optional<Duration> offset : List.of(d.startWithin(), d.afterSchedule())) {
            if (offset.isPresent()) {
                Optional<Instant> fire = CronSchedules.nextFireTime(schedule, after.minus(offset.get()));
                if (fire.isPresent() && fire.get().plus(offset.get()).isBefore(first)) {
                    first = fire.get().plus(offset.get());
                }
            }
        }
        if (d.doneBy().isPresent()) {
            ZoneId zone = d.zone().orElse(schedule.timezone());
            ZonedDateTime due = ZonedDateTime.of(
                    after.atZone(zone).toLocalDate(), d.doneBy().get(), zone);
            while (!due.toInstant().isAfter(after)) {
                due = ZonedDateTime.of(due.toLocalDate().plusDays(1), d.doneBy().get(), zone);
            }
            if (due.toInstant().isBefore(first)) {
                first = due.toInstant();
            }
        }
        return first;
    }

    /** The times of {@code schedule} whose deadlines for {@code p} fall in {@code (from, upTo]}. */
    static List<Late> candidates(Pipeline p, Schedule schedule, Instant from, Instant upTo) {
        Deadline d = p.deadline().orElseThrow();
        List<Late> out = new ArrayList<>();
        d.startWithin().ifPresent(within -> {
            for (Instant t :
                    CronSchedules.fireTimesBetween(schedule, from.minus(within), upTo.minus(within), MAX_TIMES)) {
                out.add(new Late(p, AlertType.RUN_START_LATE, t, t.plus(within)));
            }
        });
        d.afterSchedule().ifPresent(after -> {
            for (Instant t :
                    CronSchedules.fireTimesBetween(schedule, from.minus(after), upTo.minus(after), MAX_TIMES)) {
                out.add(new Late(p, AlertType.RUN_LATE, t, t.plus(after)));
            }
        });
        d.doneBy().ifPresent(time -> {
            ZoneId zone = d.zone().orElse(schedule.timezone());
            LocalDate date = from.atZone(zone).toLocalDate().minusDays(1);
            LocalDate last = upTo.atZone(zone).toLocalDate().plusDays(1);
            for (; !date.isAfter(last); date = date.plusDays(1)) {
                Instant due = ZonedDateTime.of(date, time, zone).toInstant();
                if (!due.isAfter(from) || due.isAfter(upTo)) {
                    continue;
                }
                // the times whose first done_by after them is this one: since the day before's done_by
                Instant previous =
                        ZonedDateTime.of(date.minusDays(1), time, zone).toInstant();
                for (Instant t : CronSchedules.fireTimesBetween(
                        schedule, previous.minusMillis(1), due.minusMillis(1), MAX_TIMES)) {
                    if (d.doneDeadline(t, schedule.timezone()).equals(Optional.of(due))) {
                        out.add(new Late(p, AlertType.RUN_LATE, t, due));
                    }
                }
            }
        });
        return out;
    }

    private int raise(List<Late> candidates, Instant now) {
        Set<String> ids = new java.util.HashSet<>();
        Set<Instant> times = new java.util.HashSet<>();
        for (Late late : candidates) {
            ids.add(late.pipeline().id());
            times.add(late.scheduled());
        }
        Map<String, List<TimedRun>> runs = new HashMap<>();
        for (TimedRun run : dao.runsAt(ids, times)) {
            runs.computeIfAbsent(run.pipelineId() + "@" + run.logicalTime().toEpochMilli(), k -> new ArrayList<>())
                    .add(run);
        }
        List<Late> late = new ArrayList<>();
        for (Late candidate : candidates) {
            List<TimedRun> ofTime = runs.getOrDefault(key(candidate), List.of());
            if (candidate.type() == AlertType.RUN_LATE
                    ? !succeededBy(ofTime, candidate.deadline())
                    : !startedBy(ofTime, candidate.deadline())) {
                late.add(candidate);
            }
        }
        if (late.isEmpty()) {
            return 0;
        }
        // raised already (by another daemon, or before a restart): one read for the few that are late
        Set<String> done = dao.raised(
                late.stream().map(l -> l.pipeline().id()).collect(java.util.stream.Collectors.toSet()),
                late.stream().map(Late::key).toList());
        int raised = 0;
        for (Late l : late) {
            if (done.contains(l.pipeline().id() + "/" + l.key())) {
                continue;
            }
            List<TimedRun> ofTime = runs.getOrDefault(key(l), List.of());
            Optional<TimedRun> run = ofTime.stream().findFirst();
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put("logical_time", l.scheduled().toString());
            fields.put("deadline", l.deadline().toString());
            fields.put("state", run.map(TimedRun::state).orElse(null));
            fields.put("error", message(l, run));
            List<AlertDelivery> deliveries =
                    planner.checked(l.type(), l.pipeline(), run.map(TimedRun::runId), Optional.empty(), fields, now);
            String eventId = deliveries.isEmpty() ? "" : deliveries.get(0).eventId();
            if (dao.raiseOnce(l.pipeline().id(), l.key(), eventId, deliveries, now)) {
                raised++;
            }
        }
        return raised;
    }

    private static String key(Late late) {
        return late.pipeline().id() + "@" + late.scheduled().toEpochMilli();
    }

    private static boolean succeededBy(List<TimedRun> runs, Instant deadline) {
        return runs.stream()
                .anyMatch(r -> r.state().equals("SUCCEEDED")
                        && r.endedAt().filter(end -> !end.isAfter(deadline)).isPresent());
    }

    private static boolean startedBy(List<TimedRun> runs, Instant deadline) {
        return runs.stream()
                .anyMatch(r ->
                        r.startedAt().filter(start -> !start.isAfter(deadline)).isPresent());
    }

    private static String message(Late late, Optional<TimedRun> run) {
        String what = late.type() == AlertType.RUN_LATE ? "succeeded" : "started";
        if (run.isEmpty()) {
            return "no run for " + late.scheduled() + " was created by its deadline " + late.deadline();
        }
        return "the run for " + late.scheduled() + " had not " + what + " by its deadline " + late.deadline() + " (now "
                + run.get().state() + ")";
    }
}
