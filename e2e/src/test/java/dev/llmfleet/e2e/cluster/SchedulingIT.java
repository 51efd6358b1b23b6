package dev.llmfleet.e2e.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.llmfleet.e2e.support.LlmFleetExtension;
import dev.llmfleet.e2e.support.TestNamespace;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The control plane schedules and binds for real: GPU capacity, taints and PV binding are enforced.
 */
@ExtendWith(LlmFleetExtension.class)
class SchedulingIT {

  private final TestNamespace namespace;

  SchedulingIT(TestNamespace namespace) {
    this.namespace = namespace;
  }

  @Test
  void podWithTwoGpusLandsOnTheH100NodeAndRuns() {
    namespace.client().resource(gpuPod("two-gpus", 2)).create();

    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              Pod pod = namespace.get("two-gpus", Pod.class);
              assertThat(pod.getSpec().getNodeName()).isEqualTo("gpu-h100-0");
              assertThat(pod.getStatus().getPhase()).isEqualTo("Running");
            });
  }

  @Test
  void podWithSixteenGpusStaysPendingForLackOfGpus() {
    namespace.client().resource(gpuPod("sixteen-gpus", 16)).create();

    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              Pod pod = namespace.get("sixteen-gpus", Pod.class);
              assertThat(pod.getStatus().getPhase()).isEqualTo("Pending");
              assertThat(pod.getStatus().getConditions())
                  .anySatisfy(
                      c -> {
                        assertThat(c.getType()).isEqualTo("PodScheduled");
                        assertThat(c.getStatus()).isEqualTo("False");
                        assertThat(c.getMessage()).contains("Insufficient nvidia.com/gpu");
                      });
            });
    assertThat(namespace.client().v1().events().inNamespace(namespace.name()).list().getItems())
        .map(Event::getMessage)
        .anySatisfy(m -> assertThat(m).contains("Insufficient nvidia.com/gpu"));
  }

  @Test
  void podWithoutGpuTolerationNeverLandsOnAGpuNode() {
    Pod plain =
        new PodBuilder()
            .withNewMetadata()
            .withName("plain")
            .withNamespace(namespace.name())
            .endMetadata()
            .withNewSpec()
            .addNewContainer()
            .withName("main")
            .withImage("busybox")
            .endContainer()
            .endSpec()
            .build();
    namespace.client().resource(plain).create();

    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () ->
                assertThat(namespace.get("plain", Pod.class).getSpec().getNodeName())
                    .isEqualTo("cpu-0"));
  }

  @Test
  void claimBindsToAPreCreatedVolume() {
    PersistentVolumeClaim claim =
        new PersistentVolumeClaimBuilder()
            .withNewMetadata()
            .withName("models")
            .withNamespace(namespace.name())
            .endMetadata()
            .withNewSpec()
            .withAccessModes("ReadWriteOnce")
            .withNewResources()
            .addToRequests("storage", new Quantity("40Gi"))
            .endResources()
            .endSpec()
            .build();
    namespace.client().resource(claim).create();

    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () ->
                assertThat(
                        namespace.get("models", PersistentVolumeClaim.class).getStatus().getPhase())
                    .isEqualTo("Bound"));
  }

  private Pod gpuPod(String name, int gpus) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(namespace.name())
        .endMetadata()
        .withNewSpec()
        .addNewContainer()
        .withName("main")
        .withImage("vllm/vllm-openai")
        .withNewResources()
        .addToLimits("nvidia.com/gpu", new Quantity(Integer.toString(gpus)))
        .endResources()
        .endContainer()
        .addNewToleration()
        .withKey("nvidia.com/gpu")
        .withOperator("Exists")
        .withEffect("NoSchedule")
        .endToleration()
        .endSpec()
        .build();
  }
}
