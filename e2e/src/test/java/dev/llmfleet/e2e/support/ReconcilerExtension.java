package dev.llmfleet.e2e.support;

import dev.llmfleet.LlmFleetOperator;
import dev.llmfleet.config.OperatorConfig;
import dev.llmfleet.secrets.SecretSync;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.javaoperatorsdk.operator.ReconcilerUtils;
import io.javaoperatorsdk.operator.api.config.ControllerConfigurationOverrider;
import io.javaoperatorsdk.operator.junit.LocallyRunOperatorExtension;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * For a reconcile-level test class: one of the operator's controllers alone, registered as {@link
 * LlmFleetOperator#controllers} registers it and run by JOSDK's {@link LocallyRunOperatorExtension}
 * against the e2e cluster, in a namespace of the class's own. The other controllers do not run, so
 * a test writes what they would write (a Download's status, a Job that fails) and sees only what
 * this reconciler makes of it. On a static field:
 *
 * <pre>
 * &#64;RegisterExtension
 * static final ReconcilerExtension operator = ReconcilerExtension.of(Download.class);
 * </pre>
 *
 * Test methods and constructors may take the class's {@link TestNamespace}; a failed test prints
 * the namespace's events, objects and operator log, as with {@link LlmFleetExtension}.
 *
 * <p>JOSDK's extension is wrapped, not registered on the field itself: it takes its client when it
 * is built, and the cluster (started once per run and shared with the e2e classes) exists only when
 * the first class's callbacks run; it closes its client when it stops, so it gets one of its own;
 * and when it stops it deletes the CRDs it applied, and with them every resource of those kinds in
 * the cluster, unless the system property {@code testsuite.deleteCRDs} is false, which this class
 * sets before JOSDK's reads it.
 */
public final class ReconcilerExtension
    implements BeforeAllCallback, AfterAllCallback, ParameterResolver, TestWatcher {

  static {
    System.setProperty("testsuite.deleteCRDs", "false");
  }

  /** fabric8's default for server-side apply, which JOSDK's CRD apply uses. */
  private static final String JOSDK_FIELD_MANAGER = "fabric8";

  private final Class<? extends HasMetadata> resource;
  private TestNamespace namespace;
  private LocallyRunOperatorExtension operator;

  private ReconcilerExtension(Class<? extends HasMetadata> resource) {
    this.resource = resource;
  }

  /**
   * @param resource the primary resource of the controller to run: Download, ModelServer or
   *     FineTuneJob
   */
  public static ReconcilerExtension of(Class<? extends HasMetadata> resource) {
    return new ReconcilerExtension(resource);
  }

  @Override
  @SuppressWarnings({"rawtypes", "unchecked"})
  public void beforeAll(ExtensionContext context) {
    Cluster cluster = LlmFleetExtension.cluster(context);
    namespace = TestNamespace.create(cluster, context.getRequiredTestClass());
    OperatorConfig config = InProcessOperator.config(namespace.name());
    LlmFleetOperator.Controller<?> controller =
        LlmFleetOperator.controllers(config, new SecretSync(config)).stream()
            .filter(c -> c.resource() == resource)
            .findFirst()
            .orElseThrow(() -> new IllegalArgumentException("no controller of " + resource));
    Path crd =
        Cluster.repoFile("crds/" + ReconcilerUtils.getResourceTypeName(resource) + "-v1.yml");
    takeOverForJosdk(cluster, crd);
    Consumer<ControllerConfigurationOverrider> settings = (Consumer) controller.settings();
    operator =
        LocallyRunOperatorExtension.builder()
            .withKubernetesClient(ownClient(cluster))
            .withReconciler(controller.reconciler(), settings)
            .withAdditionalCRD(crd.toString())
            .oneNamespacePerClass(true)
            // The namespace made above, with the e2e label; JOSDK applies it again and deletes it.
            .withPerClassNamespaceNameSupplier(c -> namespace.name())
            .waitForNamespaceDeletion(false)
            .build();
    operator.beforeAll(context);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (operator != null) {
      operator.afterAll(context);
    }
  }

  @Override
  public void testFailed(ExtensionContext context, Throwable cause) {
    System.out.printf(
        "%n==== %s failed; state of namespace %s ====%n%s%n",
        context.getDisplayName(), namespace.name(), namespace.describe());
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == TestNamespace.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return namespace;
  }

  /**
   * JOSDK applies the primary's CRD itself, as field manager fabric8 and without forcing. The
   * cluster's CRDs were applied by kubectl, and the same file applied by a second manager conflicts
   * on spec.versions (an atomic list that reads back without the printer columns' {@code priority:
   * 0}). Applied once with force, fabric8 manages it, and JOSDK's apply of the same file changes
   * nothing.
   */
  private static void takeOverForJosdk(Cluster cluster, Path crd) {
    try {
      KubernetesClient client = cluster.client();
      client
          .resource(
              client
                  .getKubernetesSerialization()
                  .unmarshal(Files.readString(crd), CustomResourceDefinition.class))
          .fieldManager(JOSDK_FIELD_MANAGER)
          .forceConflicts()
          .serverSideApply();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + crd, e);
    }
  }

  /** A client of the cluster's configuration that JOSDK may close. */
  private static KubernetesClient ownClient(Cluster cluster) {
    return new KubernetesClientBuilder().withConfig(cluster.client().getConfiguration()).build();
  }
}
