package dev.llmfleet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmfleet.common.ReconcileRetry;
import dev.llmfleet.config.OperatorConfig;
import dev.llmfleet.download.DownloadReconciler;
import dev.llmfleet.finetune.FineTuneJobReconciler;
import dev.llmfleet.modelserver.ModelServerReconciler;
import dev.llmfleet.secrets.SecretSync;
import io.javaoperatorsdk.operator.api.config.BaseConfigurationService;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.processing.retry.GenericRetry;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What JOSDK reads from the reconcilers' annotations, as it will run them. */
class ReconcileRetryTest {

  @Test
  void everyKindIsRetriedWithoutLimitAtMostFiveMinutesApart() {
    OperatorConfig config = OperatorConfig.fromEnvironment(Map.of());
    SecretSync secrets = new SecretSync(config);
    List<Reconciler<?>> reconcilers =
        List.of(
            new DownloadReconciler(config, secrets),
            new ModelServerReconciler(config, secrets),
            new FineTuneJobReconciler(config, secrets));

    for (Reconciler<?> reconciler : reconcilers) {
      var retry = new BaseConfigurationService().getConfigurationFor(reconciler).getRetry();
      assertThat(retry)
          .as(reconciler.getClass().getSimpleName())
          .isInstanceOfSatisfying(
              GenericRetry.class,
              r -> {
                assertThat(r.getMaxAttempts()).isEqualTo(ReconcileRetry.UNLIMITED);
                assertThat(r.getInitialInterval()).isEqualTo(2_000);
                assertThat(r.getMaxInterval()).isEqualTo(300_000);
              });
    }
  }
}
