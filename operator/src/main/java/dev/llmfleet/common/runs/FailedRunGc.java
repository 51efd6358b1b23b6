package dev.llmfleet.common.runs;

/**
 * When a failed run's Job is collected: once {@code ttlSecondsAfterFailure} has passed since it
 * failed, except for the newest {@code keepNewest} failed runs, which are kept however old.
 */
public record FailedRunGc(long ttlSecondsAfterFailure, int keepNewest) {}
