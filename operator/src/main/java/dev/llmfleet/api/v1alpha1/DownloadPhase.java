package dev.llmfleet.api.v1alpha1;

public enum DownloadPhase {
  Pending,
  Downloading,
  Verifying,
  Succeeded,
  Failed
}
