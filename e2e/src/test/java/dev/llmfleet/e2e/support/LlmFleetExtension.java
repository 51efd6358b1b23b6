package dev.llmfleet.e2e.support;

import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * For a test class: the cluster (once per test run), a fresh namespace, and the operator running in this JVM
 * watching that namespace. Test methods and constructors may take a {@link TestNamespace}, a {@link Cluster} or a
 * {@link KubernetesClient}. A failed test prints the namespace's events, objects and operator log.
 */
public final class LlmFleetExtension implements BeforeAllCallback, AfterAllCallback, ParameterResolver, TestWatcher {

  private static final ExtensionContext.Namespace STORE = ExtensionContext.Namespace.create(LlmFleetExtension.class);

  @Override
  public void beforeAll(ExtensionContext context) {
    Cluster cluster = context.getRoot().getStore(STORE).getOrComputeIfAbsent(Cluster.class, k -> Cluster.start(),
        Cluster.class);
    TestNamespace namespace = TestNamespace.create(cluster, context.getRequiredTestClass());
    context.getStore(STORE).put(TestNamespace.class, namespace);
    context.getStore(STORE).put(InProcessOperator.class, InProcessOperator.start(cluster.client(), namespace.name()));
  }

  @Override
  public void afterAll(ExtensionContext context) {
    context.getStore(STORE).get(InProcessOperator.class, InProcessOperator.class).stop();
    context.getStore(STORE).get(TestNamespace.class, TestNamespace.class).delete();
  }

  @Override
  public void testFailed(ExtensionContext context, Throwable cause) {
    TestNamespace namespace = namespace(context);
    System.out.printf("%n==== %s failed; state of namespace %s ====%n%s%n", context.getDisplayName(),
        namespace.name(), namespace.describe());
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    return type == TestNamespace.class || type == Cluster.class || type == KubernetesClient.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    TestNamespace namespace = namespace(context);
    Class<?> type = parameter.getParameter().getType();
    if (type == TestNamespace.class) {
      return namespace;
    }
    return type == Cluster.class ? namespace.cluster() : namespace.client();
  }

  private static TestNamespace namespace(ExtensionContext context) {
    // Method contexts find the class's namespace through their parent.
    return context.getStore(STORE).get(TestNamespace.class, TestNamespace.class);
  }
}
