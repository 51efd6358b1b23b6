package dev.llmfleet.cli;

import dev.llmfleet.common.KstatusState;

/** Exit codes of the plugin, listed in its usage and in plugin/README.md; scripts test them. */
final class ExitCodes {

  /** Done; the resources asked about are Ready (a watched Download Succeeded). */
  static final int OK = 0;

  /**
   * Something failed for good: a Download Failed, a resource is Stalled, or the command's own work
   * failed.
   */
  static final int FAILED = 1;

  /** A bad flag or argument. */
  static final int USAGE = 2;

  /** The named resource (or any to watch) does not exist. */
  static final int NOT_FOUND = 3;

  /** No cluster: no kubeconfig, an unknown context, or the API server does not answer. */
  static final int NO_CLUSTER = 4;

  /** Not Ready yet, and nothing has failed for good: wait and ask again. */
  static final int NOT_READY = 5;

  static final String[] LIST = {
    OK + ":success; the resources are Ready (watch: every Download Succeeded)",
    FAILED
        + ":something failed for good (a Download Failed, a resource is Stalled) or the command failed",
    USAGE + ":invalid flag or argument",
    NOT_FOUND + ":no such resource",
    NO_CLUSTER + ":no cluster (no kubeconfig, unknown context, API server unreachable)",
    NOT_READY + ":not Ready yet, still progressing",
  };

  private ExitCodes() {}

  /** The code for the worst state among those asked about. */
  static int of(KstatusState worst) {
    return switch (worst) {
      case READY -> OK;
      case RECONCILING -> NOT_READY;
      case STALLED -> FAILED;
    };
  }
}
