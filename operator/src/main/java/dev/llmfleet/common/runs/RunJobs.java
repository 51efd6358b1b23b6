package dev.llmfleet.common.runs;

import dev.llmfleet.common.CacheStores;
import dev.llmfleet.common.Labels;
import dev.llmfleet.config.OperatorConfig;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.net.HttpURLConnection;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * What the reconcilers of Downloads and FineTuneJobs do with their run Jobs: watch them, start a
 * run, delete collected ones, and hold the namespace to the operator-wide cap on failed Jobs.
 */
public final class RunJobs {

  private static final String EVENT_SOURCE = "jobs";

  private RunJobs() {}

  /**
   * Run Jobs of every kind, each mapped to its owner of type {@code primary}: a Job of another kind
   * reaches no primary but counts toward the namespace cap.
   */
  public static <P extends HasMetadata> InformerEventSource<Job, P> eventSource(
      Class<P> primary, EventSourceContext<P> context, OperatorConfig config) {
    return new InformerEventSource<>(
        InformerEventSourceConfiguration.from(Job.class, primary)
            .withName(EVENT_SOURCE)
            .withLabelSelector(Labels.RUN_JOBS)
            .withItemStore(CacheStores.<Job>withoutManagedFields(config))
            .build(),
        context);
  }

  /** The primary's own run Jobs, by name. */
  public static Map<String, Job> owned(Context<? extends HasMetadata> context) {
    return context
        .getSecondaryResourcesAsStream(Job.class)
        .collect(Collectors.toMap(job -> job.getMetadata().getName(), Function.identity()));
  }

  /** Creates a run's Job, unless an earlier pass created it but could not record the run. */
  public static <P extends HasMetadata> void start(
      Job job, Map<String, Job> owned, Context<P> context) {
    if (owned.containsKey(job.getMetadata().getName())) {
      return;
    }
    Job created = context.getClient().resource(job).create();
    // Into the cache at once: the next pass must not take the new run for one whose Job has
    // vanished.
    eventSource(context).handleRecentResourceCreate(ResourceID.fromResource(created), created);
  }

  /**
   * Creates a Job that does the same work whoever made it (a cleanup): one may exist from a pass
   * that read a stale status or whose status write was lost.
   */
  public static void createUnlessExists(KubernetesClient client, Job job) {
    try {
      client.resource(job).create();
    } catch (KubernetesClientException e) {
      if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
        throw e;
      }
    }
  }

  public static void delete(
      Context<? extends HasMetadata> context, String namespace, Collection<String> names) {
    names.forEach(
        name ->
            context.getClient().batch().v1().jobs().inNamespace(namespace).withName(name).delete());
  }

  /**
   * Deletes the failed run Jobs of the namespace beyond {@code cap}, oldest failure first, counting
   * only those that stay after this pass's own deletions. Their owners see them gone and mark their
   * runs collected.
   */
  public static <P extends HasMetadata> void enforceCap(
      Context<P> context, String namespace, Collection<String> deletedByThisPass, int cap) {
    List<Job> staying =
        eventSource(context)
            .list(namespace, job -> !deletedByThisPass.contains(job.getMetadata().getName()))
            .toList();
    delete(
        context,
        namespace,
        FailedJobCap.overCap(staying, cap).stream()
            .map(job -> job.getMetadata().getName())
            .toList());
  }

  @SuppressWarnings("unchecked")
  private static <P extends HasMetadata> InformerEventSource<Job, P> eventSource(
      Context<P> context) {
    return (InformerEventSource<Job, P>)
        context.eventSourceRetriever().getEventSourceFor(Job.class, EVENT_SOURCE);
  }
}
