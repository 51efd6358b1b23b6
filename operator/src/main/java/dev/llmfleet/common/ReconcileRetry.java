package dev.llmfleet.common;

/**
 * The retry of a reconcile that threw (the API server refused an object or did not answer), the
 * same for every kind through JOSDK's {@code @GradualRetry}: 2 s, growing by half each time, at
 * most 5 minutes apart, without a limit. The resource says why meanwhile ({@code
 * updateErrorStatus}: Reconciling=True, reason ApplyFailed), so it must not stop being retried.
 */
public final class ReconcileRetry {

  public static final int UNLIMITED = -1;
  public static final long FIRST_MILLIS = 2_000;
  public static final double GROWTH = 1.5;
  public static final long MAX_MILLIS = 300_000;

  private ReconcileRetry() {}
}
