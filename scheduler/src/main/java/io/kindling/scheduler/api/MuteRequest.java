package io.kindling.scheduler.api;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The body of {@code POST /api/v1/pipelines/{id}/mute}: an end time ({@code until}, ISO-8601 with an offset) or a
 * length from now ({@code for}, a duration such as {@code 2h}), and an optional reason for the audit log.
 */
public record MuteRequest(String until, @JsonProperty("for") String duration, String reason) {}
