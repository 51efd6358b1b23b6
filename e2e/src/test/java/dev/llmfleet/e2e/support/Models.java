package dev.llmfleet.e2e.support;

import dev.llmfleet.api.v1alpha1.DownloadModel;
import dev.llmfleet.api.v1alpha1.ModelFormat;

/** Models as a downloader describes them in status.model, for tests that script a Download. */
public final class Models {

  /**
   * Llama-3.1-70B in bf16, as its config.json and safetensors headers say: its weights alone need
   * more than one H100 has (the memory label of node gpu-h100-0 says 81559 MiB).
   */
  public static final DownloadModel LLAMA_31_70B =
      DownloadModel.builder()
          .format(ModelFormat.SAFETENSORS)
          .architecture("LlamaForCausalLM")
          .parameters(70_553_706_496L)
          .parametersRounded("70.6B")
          .dtype("bfloat16")
          .contextLength(131072L)
          .layers(80)
          .attentionHeads(64)
          .keyValueHeads(8)
          .headDim(128)
          .hiddenSize(8192)
          .weightsBytes(141_107_412_992L)
          .build();

  private Models() {}
}
