package dev.llmfleet.inpod.downloader.metadata;

import java.util.Map;

/**
 * ggml's tensor types and file types, as numbered in GGUF files (gguf-py's GGMLQuantizationType,
 * GGML_QUANT_SIZES and LlamaFileType, version 0.19).
 *
 * @param blockElements elements per block of a quantized type (1 for plain types)
 * @param blockBytes bytes per block
 */
record GgmlType(String name, int blockElements, int blockBytes) {

  private static final Map<Integer, GgmlType> TYPES =
      Map.ofEntries(
          Map.entry(0, new GgmlType("F32", 1, 4)),
          Map.entry(1, new GgmlType("F16", 1, 2)),
          Map.entry(2, new GgmlType("Q4_0", 32, 18)),
          Map.entry(3, new GgmlType("Q4_1", 32, 20)),
          Map.entry(6, new GgmlType("Q5_0", 32, 22)),
          Map.entry(7, new GgmlType("Q5_1", 32, 24)),
          Map.entry(8, new GgmlType("Q8_0", 32, 34)),
          Map.entry(9, new GgmlType("Q8_1", 32, 40)),
          Map.entry(10, new GgmlType("Q2_K", 256, 84)),
          Map.entry(11, new GgmlType("Q3_K", 256, 110)),
          Map.entry(12, new GgmlType("Q4_K", 256, 144)),
          Map.entry(13, new GgmlType("Q5_K", 256, 176)),
          Map.entry(14, new GgmlType("Q6_K", 256, 210)),
          Map.entry(15, new GgmlType("Q8_K", 256, 292)),
          Map.entry(16, new GgmlType("IQ2_XXS", 256, 66)),
          Map.entry(17, new GgmlType("IQ2_XS", 256, 74)),
          Map.entry(18, new GgmlType("IQ3_XXS", 256, 98)),
          Map.entry(19, new GgmlType("IQ1_S", 256, 50)),
          Map.entry(20, new GgmlType("IQ4_NL", 32, 18)),
          Map.entry(21, new GgmlType("IQ3_S", 256, 110)),
          Map.entry(22, new GgmlType("IQ2_S", 256, 82)),
          Map.entry(23, new GgmlType("IQ4_XS", 256, 136)),
          Map.entry(24, new GgmlType("I8", 1, 1)),
          Map.entry(25, new GgmlType("I16", 1, 2)),
          Map.entry(26, new GgmlType("I32", 1, 4)),
          Map.entry(27, new GgmlType("I64", 1, 8)),
          Map.entry(28, new GgmlType("F64", 1, 8)),
          Map.entry(29, new GgmlType("IQ1_M", 256, 56)),
          Map.entry(30, new GgmlType("BF16", 1, 2)),
          Map.entry(34, new GgmlType("TQ1_0", 256, 54)),
          Map.entry(35, new GgmlType("TQ2_0", 256, 66)),
          Map.entry(39, new GgmlType("MXFP4", 32, 17)),
          Map.entry(40, new GgmlType("NVFP4", 64, 36)),
          Map.entry(41, new GgmlType("Q1_0", 128, 18)));

  /**
   * general.file_type: what llama.cpp's quantize tool calls the whole file (LlamaFileType without
   * MOSTLY_).
   */
  private static final Map<Long, String> FILE_TYPES =
      Map.ofEntries(
          Map.entry(0L, "F32"),
          Map.entry(1L, "F16"),
          Map.entry(2L, "Q4_0"),
          Map.entry(3L, "Q4_1"),
          Map.entry(7L, "Q8_0"),
          Map.entry(8L, "Q5_0"),
          Map.entry(9L, "Q5_1"),
          Map.entry(10L, "Q2_K"),
          Map.entry(11L, "Q3_K_S"),
          Map.entry(12L, "Q3_K_M"),
          Map.entry(13L, "Q3_K_L"),
          Map.entry(14L, "Q4_K_S"),
          Map.entry(15L, "Q4_K_M"),
          Map.entry(16L, "Q5_K_S"),
          Map.entry(17L, "Q5_K_M"),
          Map.entry(18L, "Q6_K"),
          Map.entry(19L, "IQ2_XXS"),
          Map.entry(20L, "IQ2_XS"),
          Map.entry(21L, "Q2_K_S"),
          Map.entry(22L, "IQ3_XS"),
          Map.entry(23L, "IQ3_XXS"),
          Map.entry(24L, "IQ1_S"),
          Map.entry(25L, "IQ4_NL"),
          Map.entry(26L, "IQ3_S"),
          Map.entry(27L, "IQ3_M"),
          Map.entry(28L, "IQ2_S"),
          Map.entry(29L, "IQ2_M"),
          Map.entry(30L, "IQ4_XS"),
          Map.entry(31L, "IQ1_M"),
          Map.entry(32L, "BF16"),
          Map.entry(36L, "TQ1_0"),
          Map.entry(37L, "TQ2_0"),
          Map.entry(38L, "MXFP4_MOE"),
          Map.entry(39L, "NVFP4"),
          Map.entry(40L, "Q1_0"));

  static GgmlType of(int id) throws HeaderException {
    GgmlType type = TYPES.get(id);
    if (type == null) {
      throw new HeaderException("unknown ggml tensor type " + id);
    }
    return type;
  }

  static String fileTypeName(long id) {
    return FILE_TYPES.get(id);
  }

  /** Bytes of a tensor of this type with {@code elements} elements. */
  long bytes(long elements) throws HeaderException {
    if (elements % blockElements != 0) {
      throw new HeaderException(elements + " elements are not whole blocks of " + name);
    }
    return Math.multiplyExact(elements / blockElements, (long) blockBytes);
  }
}
