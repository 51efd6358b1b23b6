package dev.llmfleet.api.v1alpha1;

public enum ModelServerPhase {
  Pending,
  WaitingForModel,
  Starting,
  Ready,
  Degraded,
  Failed
}
