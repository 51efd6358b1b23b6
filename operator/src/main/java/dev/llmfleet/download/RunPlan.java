package dev.llmfleet.download;

import dev.llmfleet.api.v1alpha1.DownloadStatus;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the reconciler must do for a Download, decided by {@link DownloadRuns#plan}: the status to
 * write, the run to start, Jobs to stop (by name, with the reason) or delete, and when to look
 * again.
 */
public record RunPlan(
    DownloadStatus status,
    Optional<Integer> attemptToStart,
    Map<String, String> jobsToStop,
    List<String> jobsToDelete,
    Optional<Duration> recheckAfter) {}
