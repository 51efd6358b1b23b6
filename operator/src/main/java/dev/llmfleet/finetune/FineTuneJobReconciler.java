package dev.llmfleet.finetune;

import dev.llmfleet.api.v1alpha1.FineTuneJob;
import dev.llmfleet.common.StatusPatch;
import dev.llmfleet.config.OperatorConfig;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import java.time.Clock;

@ControllerConfiguration(name = "finetunejob")
public class FineTuneJobReconciler implements Reconciler<FineTuneJob> {

  private final OperatorConfig config;
  private final Clock clock;

  public FineTuneJobReconciler(OperatorConfig config) {
    this(config, Clock.systemUTC());
  }

  FineTuneJobReconciler(OperatorConfig config, Clock clock) {
    this.config = config;
    this.clock = clock;
  }

  @Override
  public UpdateControl<FineTuneJob> reconcile(FineTuneJob job, Context<FineTuneJob> context) {
    return StatusPatch.ifChanged(job, job.getStatus(), FineTuneJobStatuses.compute(job, clock.instant()),
        FineTuneJob::new);
  }
}
