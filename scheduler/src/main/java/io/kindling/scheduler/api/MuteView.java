package io.kindling.scheduler.api;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.kindling.scheduler.db.PipelineMute;
import java.time.Instant;
import java.util.Optional;

/** A pipeline's alert mute: {@code muted} now or not, and the last mute's end, author and reason (null without). */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record MuteView(String pipeline, boolean muted, String mutedUntil, String mutedBy, String reason) {
    public static MuteView of(String pipeline, Optional<PipelineMute> mute, Instant now) {
        return mute.map(m -> new MuteView(
                        pipeline,
                        m.activeAt(now),
                        m.mutedUntil().toString(),
                        m.mutedBy(),
                        m.reason().orElse(null)))
                .orElse(new MuteView(pipeline, false, null, null, null));
    }
}
