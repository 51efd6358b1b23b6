package dev.llmfleet.e2e.support;

import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * For a test class: the cluster (once per test run), a fresh namespace, and the operator running in
 * this JVM watching that namespace. Test methods and constructors may take a {@link TestNamespace},
 * a {@link Cluster}, a {@link KubernetesClient} or the {@link InProcessOperator} (to restart it). A
 * failed test prints the namespace's events, objects and operator log.
 */
public final class LlmFleetExtension implements BeforeAllCallback, ParameterResolver, TestWatcher {

  private static final ExtensionContext.Namespace STORE =
      ExtensionContext.Namespace.create(LlmFleetExtension.class);

  @Override
  public void beforeAll(ExtensionContext context) {
    state(context);
  }

  @Override
  public void testFailed(ExtensionContext context, Throwable cause) {
    TestNamespace namespace = state(context).namespace();
    System.out.printf(
        "%n==== %s failed; state of namespace %s ====%n%s%n",
        context.getDisplayName(), namespace.name(), namespace.describe());
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    return type == TestNamespace.class
        || type == Cluster.class
        || type == KubernetesClient.class
        || type == InProcessOperator.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    TestNamespace namespace = state(context).namespace();
    Class<?> type = parameter.getParameter().getType();
    if (type == InProcessOperator.class) {
      return state(context).operator();
    }
    if (type == TestNamespace.class) {
      return namespace;
    }
    return type == Cluster.class ? namespace.cluster() : namespace.client();
  }

  /**
   * The class's namespace and operator, made on first use: with a per-class test instance, the
   * constructor asks for them before any before-all callback runs. Closed with the class's context.
   */
  private static ClassState state(ExtensionContext context) {
    ExtensionContext classContext = context;
    while (classContext.getTestMethod().isPresent()) {
      classContext = classContext.getParent().orElseThrow();
    }
    Class<?> testClass = classContext.getRequiredTestClass();
    Cluster cluster = cluster(context);
    return classContext
        .getStore(STORE)
        .getOrComputeIfAbsent(
            ClassState.class, k -> ClassState.start(cluster, testClass), ClassState.class);
  }

  /**
   * The cluster of this test run, started on first use and closed (brought down if this run brought
   * it up) at the end of the run; shared with {@link ReconcilerExtension}.
   */
  static Cluster cluster(ExtensionContext context) {
    return context
        .getRoot()
        .getStore(STORE)
        .getOrComputeIfAbsent(Cluster.class, k -> Cluster.start(), Cluster.class);
  }

  private record ClassState(TestNamespace namespace, InProcessOperator operator)
      implements AutoCloseable {

    static ClassState start(Cluster cluster, Class<?> testClass) {
      TestNamespace namespace = TestNamespace.create(cluster, testClass);
      return new ClassState(namespace, InProcessOperator.start(cluster.client(), namespace.name()));
    }

    @Override
    public void close() {
      operator.stop();
      namespace.delete();
    }
  }
}
