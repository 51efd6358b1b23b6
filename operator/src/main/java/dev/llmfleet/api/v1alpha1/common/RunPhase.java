package dev.llmfleet.api.v1alpha1.common;

/** Phase of one run. */
public enum RunPhase {
  Running,
  Succeeded,
  Failed
}
