package dev.llmfleet.api.v1alpha1;

public enum FineTuneJobPhase {
  Pending,
  WaitingForInputs,
  Running,
  Succeeded,
  Failed
}
