package dev.llmfleet.cli;

import dev.llmfleet.api.v1alpha1.Download;
import dev.llmfleet.api.v1alpha1.DownloadProgress;
import dev.llmfleet.api.v1alpha1.FineTuneJob;
import dev.llmfleet.api.v1alpha1.FineTuneJobPhase;
import dev.llmfleet.api.v1alpha1.ModelServer;
import dev.llmfleet.api.v1alpha1.common.Resources;
import dev.llmfleet.common.Conditions;
import dev.llmfleet.common.KstatusState;
import dev.llmfleet.common.StatusView;
import dev.llmfleet.common.Units;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * The fleet at a glance, by kind: phase, progress, readiness, GPUs and what is wrong, with a
 * verdict. A pure function of a {@link Snapshot}; the same record is the JSON and YAML output.
 *
 * @param namespace the namespace shown, or null for all of them (-A)
 */
record StatusReport(
    String namespace,
    List<DownloadRow> downloads,
    List<ServerRow> modelServers,
    List<JobRow> fineTuneJobs,
    Verdict verdict) {

  /**
   * @param problem for a resource that is not Ready: the reason and message of the condition that
   *     says why
   */
  record DownloadRow(
      String namespace,
      String name,
      String source,
      String phase,
      Integer percent,
      Long bytesDone,
      Long bytesTotal,
      Long bytesPerSecond,
      Long etaSeconds,
      Integer filesDone,
      Integer filesTotal,
      boolean verified,
      String state,
      String problem) {}

  /**
   * @param gpus GPUs requested by the server's existing pods
   */
  record ServerRow(
      String namespace,
      String name,
      String runtime,
      String model,
      int readyReplicas,
      int replicas,
      int gpus,
      String phase,
      String endpoint,
      String state,
      String problem) {}

  /**
   * @param gpus GPUs requested while a run is running
   */
  record JobRow(
      String namespace,
      String name,
      String baseModel,
      String method,
      String phase,
      int attempts,
      int gpus,
      String state,
      String problem) {}

  /**
   * @param stalledResources Kind/name of every Stalled resource
   * @param gpus GPUs requested by running pods of the fleet
   */
  record Verdict(
      int total,
      int ready,
      int reconciling,
      int stalled,
      List<String> stalledResources,
      int gpus,
      String summary) {}

  static StatusReport of(Snapshot snapshot, String namespace) {
    List<DownloadRow> downloads = snapshot.downloads().stream().map(StatusReport::row).toList();
    List<ServerRow> servers = snapshot.modelServers().stream().map(StatusReport::row).toList();
    List<JobRow> jobs = snapshot.fineTuneJobs().stream().map(StatusReport::row).toList();
    List<HasMetadata> all =
        Stream.of(snapshot.downloads(), snapshot.modelServers(), snapshot.fineTuneJobs())
            .<HasMetadata>flatMap(List::stream)
            .toList();
    int ready = count(all, KstatusState.READY);
    int reconciling = count(all, KstatusState.RECONCILING);
    int stalled = count(all, KstatusState.STALLED);
    List<String> stalledResources =
        all.stream()
            .filter(r -> Why.state(r) == KstatusState.STALLED)
            .map(r -> ResourceRef.of(r).toString())
            .toList();
    int gpus =
        servers.stream().mapToInt(ServerRow::gpus).sum()
            + jobs.stream().mapToInt(JobRow::gpus).sum();
    return new StatusReport(
        namespace,
        downloads,
        servers,
        jobs,
        new Verdict(
            all.size(),
            ready,
            reconciling,
            stalled,
            stalledResources,
            gpus,
            summary(all.size(), ready, reconciling, stalledResources, gpus)));
  }

  /** 0 when every resource is Ready, 1 when one is Stalled, 5 while some are still progressing. */
  int exitCode() {
    if (verdict.stalled() > 0) {
      return ExitCodes.FAILED;
    }
    return verdict.reconciling() > 0 ? ExitCodes.NOT_READY : ExitCodes.OK;
  }

  String render() {
    boolean all = namespace == null;
    StringBuilder out = new StringBuilder();
    if (!downloads.isEmpty()) {
      Table table =
          new Table(
              header(
                  all,
                  "DOWNLOAD",
                  "PHASE",
                  "PROGRESS",
                  "SIZE",
                  "RATE",
                  "ETA",
                  "FILES",
                  "VERIFIED",
                  "SOURCE"));
      downloads.forEach(
          d ->
              table.row(
                  cells(
                      all,
                      d.namespace(),
                      d.name(),
                      d.phase(),
                      percent(d.percent()),
                      size(d.bytesDone(), d.bytesTotal()),
                      d.bytesPerSecond() == null ? "-" : Units.rate(d.bytesPerSecond()),
                      d.etaSeconds() == null ? "-" : Units.duration(d.etaSeconds()),
                      files(d.filesDone(), d.filesTotal()),
                      d.verified() ? "yes" : "no",
                      Objects.toString(d.source(), "-"))));
      section(out, table, downloads.stream().map(d -> problem(d.name(), d.problem())));
    }
    if (!modelServers.isEmpty()) {
      Table table =
          new Table(
              header(all, "MODELSERVER", "RUNTIME", "MODEL", "READY", "GPUS", "PHASE", "ENDPOINT"));
      modelServers.forEach(
          s ->
              table.row(
                  cells(
                      all,
                      s.namespace(),
                      s.name(),
                      s.runtime(),
                      s.model(),
                      s.readyReplicas() + "/" + s.replicas(),
                      Integer.toString(s.gpus()),
                      s.phase(),
                      Objects.toString(s.endpoint(), "-"))));
      section(out, table, modelServers.stream().map(s -> problem(s.name(), s.problem())));
    }
    if (!fineTuneJobs.isEmpty()) {
      Table table =
          new Table(header(all, "FINETUNEJOB", "BASE", "METHOD", "PHASE", "ATTEMPTS", "GPUS"));
      fineTuneJobs.forEach(
          j ->
              table.row(
                  cells(
                      all,
                      j.namespace(),
                      j.name(),
                      j.baseModel(),
                      j.method(),
                      j.phase(),
                      Integer.toString(j.attempts()),
                      Integer.toString(j.gpus()))));
      section(out, table, fineTuneJobs.stream().map(j -> problem(j.name(), j.problem())));
    }
    if (verdict.total() == 0) {
      out.append("No LLMFleet resources in ")
          .append(all ? "any namespace" : "namespace " + namespace)
          .append(".\n");
    }
    return out.append(verdict.summary()).append('\n').toString();
  }

  private static void section(StringBuilder out, Table table, Stream<String> problems) {
    out.append(table.render());
    problems.filter(Objects::nonNull).forEach(line -> out.append(line).append('\n'));
    out.append('\n');
  }

  private static String problem(String name, String problem) {
    return problem == null ? null : "  ! " + name + ": " + problem;
  }

  /** The header, with a NAMESPACE column first under -A. */
  private static String[] header(boolean all, String... names) {
    return all
        ? Stream.concat(Stream.of("NAMESPACE"), Stream.of(names)).toArray(String[]::new)
        : names;
  }

  /** A row, whose namespace is shown under -A only. */
  private static String[] cells(boolean all, String namespace, String... cells) {
    return all
        ? Stream.concat(Stream.of(namespace), Stream.of(cells)).toArray(String[]::new)
        : cells;
  }

  private static DownloadRow row(Download download) {
    var status = download.getStatus();
    DownloadProgress progress = status == null ? null : status.getProgress();
    return new DownloadRow(
        download.getMetadata().getNamespace(),
        download.getMetadata().getName(),
        status == null ? null : status.getSource(),
        status == null || status.getPhase() == null ? "Pending" : status.getPhase().name(),
        progress == null ? null : progress.getPercent(),
        progress == null ? null : progress.getBytesDone(),
        progress == null ? null : progress.getBytesTotal(),
        progress == null ? null : progress.getBytesPerSecond(),
        progress == null ? null : progress.getEtaSeconds(),
        progress == null ? null : progress.getFilesDone(),
        progress == null ? null : progress.getFilesTotal(),
        progress != null && Boolean.TRUE.equals(progress.getVerified()),
        Why.state(download).label(),
        problem(download));
  }

  private static ServerRow row(ModelServer server) {
    var status = server.getStatus();
    int replicas = status == null || status.getReplicas() == null ? 0 : status.getReplicas();
    return new ServerRow(
        server.getMetadata().getNamespace(),
        server.getMetadata().getName(),
        schemaName(server.getSpec().getRuntime()),
        status == null || status.getModel() == null ? "-" : status.getModel(),
        status == null || status.getReadyReplicas() == null ? 0 : status.getReadyReplicas(),
        replicas,
        gpus(server.getSpec().getResources()) * replicas,
        status == null || status.getPhase() == null ? "Pending" : status.getPhase().name(),
        status == null ? null : status.getEndpoint(),
        Why.state(server).label(),
        problem(server));
  }

  private static JobRow row(FineTuneJob job) {
    var status = job.getStatus();
    var spec = job.getSpec();
    String base =
        spec.getBaseModel() == null || spec.getBaseModel().getDownloadRef() == null
            ? "-"
            : spec.getBaseModel().getDownloadRef().getName();
    boolean running = status != null && status.getPhase() == FineTuneJobPhase.Running;
    return new JobRow(
        job.getMetadata().getNamespace(),
        job.getMetadata().getName(),
        base,
        schemaName(spec.getMethod()),
        status == null || status.getPhase() == null ? "Pending" : status.getPhase().name(),
        status == null || status.getAttempts() == null ? 0 : status.getAttempts(),
        running ? gpus(spec.getResources()) : 0,
        Why.state(job).label(),
        problem(job));
  }

  /** "Reason: message" of the condition that says why a resource is not Ready; null when it is. */
  private static String problem(HasMetadata resource) {
    KstatusState state = Why.state(resource);
    if (state == KstatusState.READY) {
      return null;
    }
    StatusView status = StatusView.of(resource);
    if (status.conditions().isEmpty()) {
      return "not observed by the operator yet";
    }
    if (status.behind(resource)) {
      return "the operator has not yet reported on generation "
          + resource.getMetadata().getGeneration();
    }
    return Conditions.find(
            status.conditions(),
            state == KstatusState.STALLED ? Conditions.STALLED : Conditions.READY)
        .map(c -> c.getReason() + ": " + c.getMessage())
        .orElse("no Ready condition");
  }

  private static int count(List<HasMetadata> resources, KstatusState state) {
    return (int) resources.stream().filter(r -> Why.state(r) == state).count();
  }

  private static String summary(
      int total, int ready, int reconciling, List<String> stalled, int gpus) {
    if (total == 0) {
      return "Verdict: nothing to report.";
    }
    StringBuilder line = new StringBuilder("Verdict: ");
    if (ready == total) {
      line.append("all ").append(total).append(" Ready");
    } else {
      line.append(ready).append(" of ").append(total).append(" Ready");
      if (reconciling > 0) {
        line.append(", ").append(reconciling).append(" progressing");
      }
      if (!stalled.isEmpty()) {
        line.append(", ")
            .append(stalled.size())
            .append(" stalled (")
            .append(String.join(", ", stalled))
            .append(": see why)");
      }
    }
    return line.append("; ")
        .append(gpus)
        .append(gpus == 1 ? " GPU" : " GPUs")
        .append(" in use.")
        .toString();
  }

  /** As in the spec: vllm, llamacpp, lora; the Java constants are VLLM, LLAMA_CPP, LORA. */
  private static String schemaName(Enum<?> value) {
    return value == null ? "-" : value.name().toLowerCase(Locale.ROOT).replace("_", "");
  }

  private static int gpus(Resources resources) {
    return resources == null || resources.getGpus() == null ? 0 : resources.getGpus();
  }

  private static String percent(Integer percent) {
    return percent == null ? "-" : percent + "%";
  }

  private static String size(Long done, Long total) {
    if (total == null) {
      return "-";
    }
    return Objects.equals(done, total)
        ? Units.bytes(total)
        : Units.bytes(done == null ? 0 : done) + " / " + Units.bytes(total);
  }

  private static String files(Integer done, Integer total) {
    return total == null ? "-" : (done == null ? 0 : done) + "/" + total;
  }
}
