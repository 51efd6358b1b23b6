package dev.llmfleet.modelserver;

import dev.llmfleet.api.v1alpha1.Adapter;
import dev.llmfleet.api.v1alpha1.Download;
import dev.llmfleet.api.v1alpha1.DownloadStatus;
import dev.llmfleet.api.v1alpha1.FineTuneJob;
import dev.llmfleet.api.v1alpha1.ModelServer;
import dev.llmfleet.api.v1alpha1.ModelServerPhase;
import dev.llmfleet.api.v1alpha1.ModelServerStatus;
import dev.llmfleet.common.CacheStores;
import dev.llmfleet.common.Conditions;
import dev.llmfleet.common.Errors;
import dev.llmfleet.common.EventRecorder;
import dev.llmfleet.common.IndexKeys;
import dev.llmfleet.common.InstancePods;
import dev.llmfleet.common.Labels;
import dev.llmfleet.common.ReconcileRetry;
import dev.llmfleet.common.StatusPatch;
import dev.llmfleet.config.OperatorConfig;
import dev.llmfleet.modelserver.autoscaling.Autoscaler;
import dev.llmfleet.modelserver.autoscaling.MetricsScraper;
import dev.llmfleet.secrets.SecretSync;
import dev.llmfleet.secrets.SecretValuesSource;
import dev.llmfleet.secrets.SyncResult;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.javaoperatorsdk.operator.api.config.ControllerConfigurationOverrider;
import io.javaoperatorsdk.operator.api.config.informer.InformerConfiguration;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.Workflow;
import io.javaoperatorsdk.operator.api.reconciler.dependent.Dependent;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependentResourceConfig;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependentResourceConfigBuilder;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.javaoperatorsdk.operator.processing.retry.GradualRetry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * ModelServers: a Deployment and a Service once the model (a Succeeded Download or a URI) and the
 * adapters are ready. Downloads and FineTuneJobs are watched through indexes on the references, so
 * a server starts as soon as its inputs are ready, without polling.
 */
@ControllerConfiguration(name = "modelserver")
@GradualRetry(
    maxAttempts = ReconcileRetry.UNLIMITED,
    initialInterval = ReconcileRetry.FIRST_MILLIS,
    intervalMultiplier = ReconcileRetry.GROWTH,
    maxInterval = ReconcileRetry.MAX_MILLIS)
// Invoked by the reconciler, which first decides whether the server's objects may change at all.
@Workflow(
    explicitInvocation = true,
    dependents = {
      @Dependent(
          name = ModelServerReconciler.DEPLOYMENT,
          type = ModelServerDeploymentDependent.class,
          reconcilePrecondition = ModelFits.class),
      @Dependent(name = ModelServerReconciler.SERVICE, type = ModelServerServiceDependent.class)
    })
public class ModelServerReconciler implements Reconciler<ModelServer> {

  static final String DEPLOYMENT = "deployment";
  static final String SERVICE = "service";

  static final String BY_DOWNLOAD = "downloadRef";
  static final String BY_FINE_TUNE_JOB = "fineTuneJobRef";

  /**
   * Per pod; all pods of a server are scraped at once, so one evaluation waits at most about this
   * long.
   */
  static final Duration SCRAPE_TIMEOUT = Duration.ofSeconds(2);

  private final OperatorConfig config;
  private final Clock clock = Clock.systemUTC();
  private final SecretSync secrets;
  private final Autoscaler autoscaler = new Autoscaler(new MetricsScraper(SCRAPE_TIMEOUT));
  private InformerEventSource<Node, ModelServer> gpuNodes;
  private SecretValuesSource<ModelServer> secretValues;

  public ModelServerReconciler(OperatorConfig config, SecretSync secrets) {
    this.config = config;
    this.secrets = secrets;
  }

  /**
   * Registration settings of the dependents: only objects the operator labelled are cached, so a
   * cluster's other Deployments and Services cost no memory, and of their managedFields only the
   * Apply entries that the server-side-apply match reads.
   */
  public static void configureDependents(
      ControllerConfigurationOverrider<ModelServer> overrider, OperatorConfig config) {
    overrider
        .replacingNamedDependentResourceConfig(DEPLOYMENT, managedOnly(Deployment.class, config))
        .replacingNamedDependentResourceConfig(SERVICE, managedOnly(Service.class, config));
  }

  @Override
  public List<EventSource<?, ModelServer>> prepareEventSources(
      EventSourceContext<ModelServer> context) {
    context
        .getPrimaryCache()
        .addIndexer(
            BY_DOWNLOAD,
            server ->
                server.getSpec().getModel().getDownloadRef() == null
                    ? List.of()
                    : List.of(
                        IndexKeys.of(
                            server, server.getSpec().getModel().getDownloadRef().getName())));
    context
        .getPrimaryCache()
        .addIndexer(
            BY_FINE_TUNE_JOB,
            server ->
                adapterJobs(server).stream().map(name -> IndexKeys.of(server, name)).toList());

    var downloads =
        InformerEventSourceConfiguration.from(Download.class, ModelServer.class)
            .withItemStore(CacheStores.<Download>withoutManagedFields(config))
            .withSecondaryToPrimaryMapper(download -> referencing(context, BY_DOWNLOAD, download))
            .withPrimaryToSecondaryMapper(
                (ModelServer server) ->
                    server.getSpec().getModel().getDownloadRef() == null
                        ? Set.of()
                        : Set.of(
                            new ResourceID(
                                server.getSpec().getModel().getDownloadRef().getName(),
                                server.getMetadata().getNamespace())))
            .build();
    var fineTuneJobs =
        InformerEventSourceConfiguration.from(FineTuneJob.class, ModelServer.class)
            .withItemStore(CacheStores.<FineTuneJob>withoutManagedFields(config))
            .withSecondaryToPrimaryMapper(job -> referencing(context, BY_FINE_TUNE_JOB, job))
            .withPrimaryToSecondaryMapper(
                (ModelServer server) ->
                    adapterJobs(server).stream()
                        .map(name -> new ResourceID(name, server.getMetadata().getNamespace()))
                        .collect(Collectors.toSet()))
            .build();
    var pods =
        InformerEventSourceConfiguration.from(Pod.class, ModelServer.class)
            .withLabelSelector(Labels.COMPONENT + "=" + ModelServerResources.COMPONENT)
            .withItemStore(CacheStores.podStatusOnly(config))
            .withSecondaryToPrimaryMapper(InstancePods.mapper(context))
            .build();
    // GPU nodes, cluster-scoped, for the fit check's memory; only those with the label are cached.
    // A node that
    // comes or goes triggers nothing: the next pass of each server reads the cache.
    var nodes =
        InformerEventSourceConfiguration.from(Node.class, ModelServer.class)
            .withLabelSelector(GpuFit.NODE_MEMORY_LABEL)
            .withWatchAllNamespaces()
            .withSecondaryToPrimaryMapper(node -> Set.of())
            .build();
    gpuNodes = new InformerEventSource<>(nodes, context);
    secretValues =
        secrets.valuesSource(
            ModelServer.class,
            context,
            server -> server.getSpec().getSecrets(),
            server -> server.getStatus() == null ? null : server.getStatus().getConditions());
    return List.of(
        secretValues,
        gpuNodes,
        new InformerEventSource<>(downloads, context),
        new InformerEventSource<>(fineTuneJobs, context),
        new InformerEventSource<>(pods, context));
  }

  @Override
  public UpdateControl<ModelServer> reconcile(ModelServer server, Context<ModelServer> context) {
    ModelInputs inputs = inputs(server, context);
    SyncResult synced = secrets.sync(server, context.getClient(), secretValues);
    GpuFit fit =
        GpuFit.check(
            server,
            context
                .getSecondaryResource(Download.class)
                .map(Download::getStatus)
                .map(DownloadStatus::getModel),
            GpuFit.gpuMemory(server, gpuNodes.list(node -> true).toList(), config));
    Instant now = clock.instant();
    Optional<Autoscaler.Decision> scaling = autoscale(server, fit, context, now);
    // A running server is never torn down because an input went away: it keeps serving what it
    // loaded. Nor is it changed while its secrets cannot be read: its pods keep the values they
    // have. But a spec whose model cannot fit in its GPUs gets no pods at all (ModelFits): they
    // would only crash or wait for memory that no GPU has.
    var workflow = context.managedWorkflowAndDependentResourceContext();
    workflow.put(GpuFit.class, fit);
    if (fit.blocks()) {
      workflow.reconcileManagedWorkflow();
    } else if (inputs.ready() && synced.ready()) {
      workflow.put(DESIRED_DEPLOYMENT, desiredDeployment(server, inputs, synced, scaling));
      workflow.reconcileManagedWorkflow();
    }
    Optional<Deployment> current =
        fit.blocks() ? Optional.empty() : context.getSecondaryResource(Deployment.class);
    ModelServerStatus status =
        ModelServerStatuses.compute(
            server,
            new ModelServerStatuses.Observed(
                inputs,
                fit,
                synced,
                current,
                context.getSecondaryResources(Pod.class).stream().toList(),
                scaling.map(Autoscaler.Decision::status)),
            now);
    EventRecorder events = new EventRecorder(context.getClient());
    recordPhaseChange(events, server, status);
    scaling
        .flatMap(Autoscaler.Decision::event)
        .ifPresent(e -> events.normal(server, e.reason(), e.message()));
    return synced.reschedule(
        StatusPatch.ifChanged(server, server.getStatus(), status, ModelServer::new),
        scaling.map(d -> Autoscaler.SYNC_PERIOD));
  }

  /** Key of the Deployment built for this pass, which the Deployment dependent applies. */
  static final String DESIRED_DEPLOYMENT = "desired-deployment";

  /**
   * The Deployment from the resolved inputs, with the secrets' data hash on its pod template (pods
   * roll when the values change) and, with spec.autoscaling, the autoscaler's replica count instead
   * of spec.replicas.
   */
  private Deployment desiredDeployment(
      ModelServer server,
      ModelInputs inputs,
      SyncResult synced,
      Optional<Autoscaler.Decision> scaling) {
    Deployment deployment =
        ModelServerResources.deployment(
            server, inputs.model().orElseThrow(), inputs.adapters(), config);
    synced.annotate(deployment.getSpec().getTemplate());
    scaling.ifPresent(d -> deployment.getSpec().setReplicas(d.replicas()));
    return deployment;
  }

  /**
   * The autoscaler's decision while spec.autoscaling is set; it scrapes the ready pods, so it runs
   * only while a Deployment may exist. Its replica count goes to the Deployment, and wins over
   * spec.replicas.
   */
  private Optional<Autoscaler.Decision> autoscale(
      ModelServer server, GpuFit fit, Context<ModelServer> context, Instant now) {
    if (server.getSpec().getAutoscaling() == null) {
      autoscaler.forget(server);
      return Optional.empty();
    }
    Optional<Integer> replicas =
        fit.blocks()
            ? Optional.empty()
            : context
                .getSecondaryResource(Deployment.class)
                .map(d -> d.getSpec() == null ? null : d.getSpec().getReplicas());
    List<Pod> pods =
        fit.blocks() ? List.of() : context.getSecondaryResources(Pod.class).stream().toList();
    return Optional.of(autoscaler.evaluate(server, replicas, pods, now));
  }

  /**
   * Retries go on (JOSDK's retry), but the resource says why it is not converging instead of
   * keeping quiet.
   */
  @Override
  public ErrorStatusUpdateControl<ModelServer> updateErrorStatus(
      ModelServer server, Context<ModelServer> context, Exception error) {
    ModelServerStatus status =
        ModelServerStatuses.applyFailed(server, Errors.describe(error), clock.instant());
    return ErrorStatusUpdateControl.patchStatus(
        StatusPatch.statusOnly(server, status, ModelServer::new));
  }

  static ModelInputs inputs(ModelServer server, Context<ModelServer> context) {
    Map<String, FineTuneJob> jobs =
        context.getSecondaryResources(FineTuneJob.class).stream()
            .collect(Collectors.toMap(job -> job.getMetadata().getName(), Function.identity()));
    return ModelInputs.resolve(
        server, context.getSecondaryResource(Download.class).orElse(null), jobs);
  }

  private static <R extends HasMetadata> KubernetesDependentResourceConfig<R> managedOnly(
      Class<R> type, OperatorConfig config) {
    return new KubernetesDependentResourceConfigBuilder<R>()
        .withKubernetesDependentInformerConfig(
            InformerConfiguration.builder(type)
                .withLabelSelector(Labels.COMPONENT + "=" + ModelServerResources.COMPONENT)
                .withNamespacesInheritedFromController()
                .withItemStore(CacheStores.<R>appliedFieldsOnly(config))
                .build())
        .build();
  }

  private static void recordPhaseChange(
      EventRecorder events, ModelServer server, ModelServerStatus next) {
    ModelServerPhase before = server.getStatus() == null ? null : server.getStatus().getPhase();
    var ready =
        next.getConditions().stream()
            .filter(c -> c.getType().equals(Conditions.READY))
            .findFirst()
            .orElseThrow();
    boolean refused = ModelServerStatuses.INSUFFICIENT_GPU_MEMORY.equals(ready.getReason());
    boolean refusedBefore =
        server.getStatus() != null
            && Conditions.find(server.getStatus().getConditions(), Conditions.READY)
                .map(c -> ModelServerStatuses.INSUFFICIENT_GPU_MEMORY.equals(c.getReason()))
                .orElse(false);
    if (Objects.equals(before, next.getPhase()) && refused == refusedBefore) {
      return;
    }
    if (next.getPhase() == ModelServerPhase.Degraded
        || next.getPhase() == ModelServerPhase.Failed
        || refused) {
      events.warning(server, ready.getReason(), ready.getMessage());
    } else {
      events.normal(server, next.getPhase().name(), ready.getMessage());
    }
  }

  private static Set<ResourceID> referencing(
      EventSourceContext<ModelServer> context, String index, HasMetadata referenced) {
    return context
        .getPrimaryCache()
        .byIndex(index, IndexKeys.of(referenced, referenced.getMetadata().getName()))
        .stream()
        .map(ResourceID::fromResource)
        .collect(Collectors.toSet());
  }

  private static List<String> adapterJobs(ModelServer server) {
    List<Adapter> adapters = server.getSpec().getAdapters();
    return adapters == null
        ? List.of()
        : adapters.stream().map(a -> a.getFineTuneJobRef().getName()).toList();
  }
}
