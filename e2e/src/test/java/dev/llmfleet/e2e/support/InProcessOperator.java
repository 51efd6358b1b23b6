package dev.llmfleet.e2e.support;

import dev.llmfleet.LlmFleetOperator;
import dev.llmfleet.config.OperatorConfig;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Map;

/**
 * The operator, as `run` builds it, in the test JVM and watching one namespace; its log goes to
 * target/operator.log. A test may take it as a parameter to stop it and start a new one, as a
 * restarted process would: fresh caches, no memory of the old one.
 */
public final class InProcessOperator {

  private final KubernetesClient client;
  private final String namespace;
  private Operator operator;

  private InProcessOperator(KubernetesClient client, String namespace) {
    this.client = client;
    this.namespace = namespace;
  }

  static InProcessOperator start(KubernetesClient client, String namespace) {
    InProcessOperator operator = new InProcessOperator(client, namespace);
    operator.start();
    return operator;
  }

  /** Starts a new operator; the previous one must be stopped. */
  public synchronized void start() {
    if (operator != null) {
      throw new IllegalStateException("the operator of " + namespace + " is running");
    }
    operator =
        LlmFleetOperator.create(
            client,
            config(namespace),
            new SimpleMeterRegistry(),
            overrider -> {
              // Each test class starts and stops its own operator on the shared client.
              overrider.withCloseClientOnStop(false);
            });
    operator.start();
  }

  /** The configuration of an operator in the test JVM that watches only {@code namespace}. */
  static OperatorConfig config(String namespace) {
    return OperatorConfig.fromEnvironment(
        Map.of(
            "LLMFLEET_NAMESPACES", namespace,
            "LLMFLEET_LEADER_ELECTION", "false",
            "LLMFLEET_IMAGE", "llmfleet/llmfleet-operator:e2e"));
  }

  /** Stops the operator, if running. */
  public synchronized void stop() {
    if (operator != null) {
      operator.stop();
      operator = null;
    }
  }
}
