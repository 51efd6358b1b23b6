package dev.llmfleet.common;

import dev.llmfleet.api.v1alpha1.common.Resources;
import dev.llmfleet.config.OperatorConfig;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where GPU pods go, shared by model servers and training runs: GPU limits on the configured
 * resource, a node selector for the GPU model, and a toleration for the GPU taint; user selectors
 * and tolerations are merged in.
 */
public final class GpuPlacement {

  private GpuPlacement() {}

  public static int gpus(Resources resources) {
    return resources == null || resources.getGpus() == null ? 0 : resources.getGpus();
  }

  /**
   * Requests equal limits: a model server or a training run should never be throttled or evicted
   * first.
   */
  public static ResourceRequirements requirements(Resources resources, OperatorConfig config) {
    Map<String, Quantity> limits = new LinkedHashMap<>();
    if (resources != null && resources.getCpu() != null) {
      limits.put("cpu", resources.getCpu());
    }
    if (resources != null && resources.getMemory() != null) {
      limits.put("memory", resources.getMemory());
    }
    Map<String, Quantity> requests = new LinkedHashMap<>(limits);
    if (gpus(resources) > 0) {
      limits.put(config.gpuResource(), new Quantity(Integer.toString(gpus(resources))));
    }
    return new ResourceRequirementsBuilder().withRequests(requests).withLimits(limits).build();
  }

  public static Map<String, String> nodeSelector(
      Resources resources, Map<String, String> userSelector, OperatorConfig config) {
    Map<String, String> selector = new LinkedHashMap<>();
    if (userSelector != null) {
      selector.putAll(userSelector);
    }
    if (resources != null && resources.getGpuType() != null) {
      selector.put(config.gpuProductLabel(), resources.getGpuType());
    }
    return selector;
  }

  public static List<Toleration> tolerations(
      Resources resources,
      List<dev.llmfleet.api.v1alpha1.common.Toleration> userTolerations,
      OperatorConfig config) {
    List<Toleration> tolerations = new ArrayList<>();
    if (gpus(resources) > 0) {
      tolerations.add(
          new TolerationBuilder()
              .withKey(config.gpuToleration())
              .withOperator("Exists")
              .withEffect("NoSchedule")
              .build());
    }
    tolerations.addAll(Tolerations.of(userTolerations));
    return tolerations;
  }
}
