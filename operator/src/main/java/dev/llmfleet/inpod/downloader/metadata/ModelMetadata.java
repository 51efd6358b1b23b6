package dev.llmfleet.inpod.downloader.metadata;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmfleet.api.v1alpha1.DownloadModel;
import dev.llmfleet.api.v1alpha1.ModelFormat;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a Download's files hold, from their headers: a Hugging Face model (config.json beside
 * .safetensors files, sharded through model.safetensors.index.json or not) or one GGUF model (one
 * file, or the shards of one split file). Anything else (a data set, several different GGUF files,
 * weights without a config.json) describes no single model and gets none.
 */
public final class ModelMetadata {

  static final String CONFIG = "config.json";
  static final String INDEX = "model.safetensors.index.json";
  static final long MAX_CONFIG_BYTES = 16L << 20;

  /** llama.cpp's split files: name-00001-of-00003.gguf. */
  private static final Pattern GGUF_SHARD = Pattern.compile("(.*)-(\\d{5})-of-(\\d{5})\\.gguf");

  private static final ObjectMapper JSON = new ObjectMapper();

  private ModelMetadata() {}

  /**
   * @param folder where the files are
   * @param files the Download's files, relative to {@code folder}
   */
  public static Optional<DownloadModel> read(Path folder, List<String> files)
      throws IOException, HeaderException {
    List<String> topLevel = files.stream().filter(f -> !f.contains("/")).toList();
    List<String> ggufs =
        topLevel.stream()
            .filter(f -> f.toLowerCase(Locale.ROOT).endsWith(".gguf"))
            .sorted()
            .toList();
    if (!ggufs.isEmpty()) {
      Optional<List<String>> model = oneGgufModel(ggufs);
      return model.isPresent() ? Optional.of(gguf(folder, model.get())) : Optional.empty();
    }
    if (topLevel.contains(CONFIG) && topLevel.stream().anyMatch(f -> f.endsWith(".safetensors"))) {
      ModelConfig config = ModelConfig.parse(readSmall(folder.resolve(CONFIG)));
      List<String> shards =
          topLevel.contains(INDEX)
              ? indexedShards(folder.resolve(INDEX))
              : topLevel.stream().filter(f -> f.endsWith(".safetensors")).sorted().toList();
      List<Tensor> tensors = new ArrayList<>();
      for (String shard : shards) {
        try (InputStream in =
            new BufferedInputStream(Files.newInputStream(folder.resolve(shard)))) {
          tensors.addAll(SafetensorsHeader.read(in));
        }
      }
      return Optional.of(safetensors(config, tensors));
    }
    return Optional.empty();
  }

  /** The files of one GGUF model, first shard first; empty when the files are several models. */
  static Optional<List<String>> oneGgufModel(List<String> ggufs) {
    if (ggufs.size() == 1) {
      return Optional.of(ggufs);
    }
    TreeSet<String> prefixes = new TreeSet<>();
    for (String file : ggufs) {
      Matcher shard = GGUF_SHARD.matcher(file);
      if (!shard.matches() || Integer.parseInt(shard.group(3)) != ggufs.size()) {
        return Optional.empty();
      }
      prefixes.add(shard.group(1));
    }
    return prefixes.size() == 1 ? Optional.of(ggufs) : Optional.empty();
  }

  static DownloadModel gguf(Path folder, List<String> shards) throws IOException, HeaderException {
    GgufHeader first = null;
    List<Tensor> tensors = new ArrayList<>();
    for (String shard : shards) {
      try (InputStream in =
          new BufferedInputStream(Files.newInputStream(folder.resolve(shard)), 1 << 16)) {
        GgufHeader header = GgufHeader.read(in);
        first = first == null ? header : first;
        tensors.addAll(header.tensors());
      }
    }
    return gguf(first, tensors);
  }

  /**
   * @param tensors the tensors of every shard (the first shard's header holds the metadata)
   */
  public static DownloadModel gguf(GgufHeader header, List<Tensor> tensors) {
    String arch = header.string("general.architecture");
    Long heads = header.integer(arch + ".attention.head_count");
    Long kvHeads = header.integer(arch + ".attention.head_count_kv");
    Long embedding = header.integer(arch + ".embedding_length");
    Long keyLength = header.integer(arch + ".attention.key_length");
    Long fileType = header.integer("general.file_type");
    String dtype = fileType == null ? null : GgmlType.fileTypeName(fileType);
    return DownloadModel.builder()
        .format(ModelFormat.GGUF)
        .architecture(arch)
        .parameters(parameters(tensors))
        .parametersRounded(rounded(parameters(tensors)))
        .dtype(dtype != null ? dtype : dominantType(tensors))
        .contextLength(header.integer(arch + ".context_length"))
        .layers(toInt(header.integer(arch + ".block_count")))
        .attentionHeads(toInt(heads))
        .keyValueHeads(toInt(kvHeads != null ? kvHeads : heads))
        .headDim(
            toInt(
                keyLength != null
                    ? keyLength
                    : embedding != null && heads != null && heads > 0 ? embedding / heads : null))
        .hiddenSize(toInt(embedding))
        .weightsBytes(tensors.stream().mapToLong(Tensor::bytes).sum())
        .build();
  }

  public static DownloadModel safetensors(ModelConfig config, List<Tensor> tensors) {
    String dtype =
        config.quantization() != null
            ? config.quantization()
            : tensors.isEmpty()
                ? config.torchDtype()
                : SafetensorsHeader.torchName(dominantType(tensors));
    return DownloadModel.builder()
        .format(ModelFormat.SAFETENSORS)
        .architecture(config.architecture())
        .parameters(parameters(tensors))
        .parametersRounded(rounded(parameters(tensors)))
        .dtype(dtype)
        .contextLength(config.contextLength())
        .layers(config.layers())
        .attentionHeads(config.attentionHeads())
        .keyValueHeads(config.keyValueHeads())
        .headDim(config.headDim())
        .hiddenSize(config.hiddenSize())
        .weightsBytes(tensors.stream().mapToLong(Tensor::bytes).sum())
        .build();
  }

  /**
   * "494M", "7.6B", "1.2T", "135M": two significant digits below 10 of the unit, whole units above.
   */
  public static String rounded(long parameters) {
    String[] units = {"", "K", "M", "B", "T"};
    int unit = 0;
    BigDecimal value = BigDecimal.valueOf(parameters);
    while (unit < units.length - 1 && value.compareTo(BigDecimal.valueOf(999.5)) >= 0) {
      value = value.divide(BigDecimal.valueOf(1000));
      unit++;
    }
    value =
        value.compareTo(BigDecimal.TEN) < 0 && unit > 0
            ? value.setScale(1, RoundingMode.HALF_UP)
            : value.setScale(0, RoundingMode.HALF_UP);
    return value.stripTrailingZeros().toPlainString() + units[unit];
  }

  private static long parameters(List<Tensor> tensors) {
    return tensors.stream().mapToLong(Tensor::elements).sum();
  }

  /** The type holding most of the bytes; a quantized GGUF keeps a few tensors (norms) in F32. */
  private static String dominantType(List<Tensor> tensors) {
    Map<String, Long> bytes = new HashMap<>();
    tensors.forEach(t -> bytes.merge(t.type(), t.bytes(), Long::sum));
    return bytes.entrySet().stream()
        .max(Map.Entry.comparingByValue())
        .map(Map.Entry::getKey)
        .orElse(null);
  }

  private static List<String> indexedShards(Path index) throws IOException, HeaderException {
    JsonNode map = JSON.readTree(readSmall(index)).path("weight_map");
    if (!map.isObject()) {
      throw new HeaderException(INDEX + " has no weight_map");
    }
    TreeSet<String> shards = new TreeSet<>();
    for (JsonNode shard : map) {
      if (!shard.isTextual() || shard.asText().contains("/") || shard.asText().startsWith(".")) {
        throw new HeaderException(INDEX + " names a shard outside the folder: " + shard);
      }
      shards.add(shard.asText());
    }
    return List.copyOf(shards);
  }

  private static byte[] readSmall(Path file) throws IOException, HeaderException {
    if (Files.size(file) > MAX_CONFIG_BYTES) {
      throw new HeaderException(
          file.getFileName() + " is larger than " + MAX_CONFIG_BYTES + " bytes");
    }
    return Files.readAllBytes(file);
  }

  private static Integer toInt(Long value) {
    return value == null ? null : Math.toIntExact(value);
  }
}
