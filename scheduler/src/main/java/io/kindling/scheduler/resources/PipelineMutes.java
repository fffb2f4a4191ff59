package io.kindling.scheduler.resources;

import io.kindling.dsl.Durations;
import io.kindling.scheduler.api.MuteRequest;
import io.kindling.scheduler.api.MuteView;
import io.kindling.scheduler.auth.Principal;
import io.kindling.scheduler.db.MuteDao;
import io.kindling.scheduler.db.PipelineMute;
import jakarta.ws.rs.BadRequestException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/** What the mute routes of {@link PipelineResource} do: read the request, store the mute, describe it. */
final class PipelineMutes {
    /** Longer is likely a typo (a year for a day); pausing or removing the alerts is the way to silence for good. */
    static final Duration MAX = Duration.ofDays(90);

    private static final int MAX_REASON = 500;

    private final MuteDao mutes;
    private final Clock clock;

    PipelineMutes(MuteDao mutes, Clock clock) {
        this.mutes = mutes;
        this.clock = clock;
    }

    MuteView view(String pipeline) {
        return MuteView.of(pipeline, mutes.find(pipeline), clock.instant());
    }

    MuteView mute(String pipeline, MuteRequest request, Principal caller) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        Instant until = until(request, now);
        String reason = request.reason() == null ? "" : request.reason().strip();
        if (reason.length() > MAX_REASON) {
            throw new BadRequestException("reason is longer than " + MAX_REASON + " characters");
        }
        mutes.mute(new PipelineMute(
                pipeline, until, caller.actor(), reason.isEmpty() ? Optional.empty() : Optional.of(reason), now));
        return view(pipeline);
    }

    boolean unmute(String pipeline) {
        return mutes.unmute(pipeline);
    }

    private static Instant until(MuteRequest request, Instant now) {
        if (request == null || (request.until() == null) == (request.duration() == null)) {
            throw new BadRequestException(
                    "give one of until or for, e.g. {\"for\": \"2h\"} or {\"until\": \"2026-12-05T08:00:00+01:00\"}");
        }
        Instant until;
        if (request.duration() != null) {
            try {
                until = now.plus(Durations.parse(request.duration()));
            } catch (IllegalArgumentException e) {
                throw new BadRequestException("for: " + e.getMessage());
            }
        } else {
            try {
                until = OffsetDateTime.parse(request.until()).toInstant().truncatedTo(ChronoUnit.MILLIS);
            } catch (DateTimeParseException e) {
                throw new BadRequestException("until: expected a time with an offset such as "
                        + "2026-12-05T08:00:00Z or 2026-12-05T08:00:00+01:00, got '" + request.until() + "'");
            }
        }
        if (!until.isAfter(now)) {
            throw new BadRequestException("the mute would end at " + until + ", which is not in the future");
        }
        if (until.isAfter(now.plus(MAX))) {
            throw new BadRequestException("a mute may last at most 90 days (until " + now.plus(MAX) + ")");
        }
        return until;
    }
}
