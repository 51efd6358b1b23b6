package dev.llmfleet.e2e.support;

import dev.llmfleet.LlmFleetOperator;
import dev.llmfleet.config.OperatorConfig;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Map;

/** The operator, as `run` builds it, in the test JVM and watching one namespace; its log goes to target/operator.log. */
final class InProcessOperator {

  private final Operator operator;

  private InProcessOperator(Operator operator) {
    this.operator = operator;
  }

  static InProcessOperator start(KubernetesClient client, String namespace) {
    OperatorConfig config = OperatorConfig.fromEnvironment(Map.of(
        "LLMFLEET_NAMESPACES", namespace,
        "LLMFLEET_LEADER_ELECTION", "false",
        "LLMFLEET_IMAGE", "llmfleet/llmfleet-operator:e2e"));
    Operator operator = LlmFleetOperator.create(client, config, new SimpleMeterRegistry(), overrider -> {
      // Each test class starts and stops its own operator on the shared client.
      overrider.withCloseClientOnStop(false);
    });
    operator.start();
    return new InProcessOperator(operator);
  }

  void stop() {
    operator.stop();
  }
}
