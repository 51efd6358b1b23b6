package dev.llmfleet.inpod.downloader.metadata;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The header of a .safetensors file: an unsigned 64-bit little-endian length N, then N bytes of
 * JSON mapping each tensor's name to its dtype, shape and data offsets (plus an optional
 * "__metadata__" of strings). Only those 8 + N bytes are read, never the tensor data.
 */
public final class SafetensorsHeader {

  /** The format's own limit (safetensors refuses larger headers). */
  static final long MAX_HEADER_BYTES = 100_000_000;

  private static final ObjectMapper JSON = new ObjectMapper();

  private SafetensorsHeader() {}

  /** The tensors of the file whose first bytes {@code in} yields; reads exactly the header. */
  public static List<Tensor> read(InputStream in) throws IOException, HeaderException {
    DataInputStream data = new DataInputStream(in);
    byte[] length = new byte[8];
    data.readFully(length);
    long size = ByteBuffer.wrap(length).order(ByteOrder.LITTLE_ENDIAN).getLong();
    if (size <= 0 || size > MAX_HEADER_BYTES) {
      throw new HeaderException(
          "safetensors header length "
              + Long.toUnsignedString(size)
              + " is not between 1 and "
              + MAX_HEADER_BYTES);
    }
    byte[] header = new byte[(int) size];
    data.readFully(header);
    return parse(header);
  }

  static List<Tensor> parse(byte[] header) throws HeaderException {
    JsonNode root;
    try {
      root = JSON.readTree(header);
    } catch (IOException e) {
      throw new HeaderException("safetensors header is not JSON: " + e.getMessage());
    }
    if (root == null || !root.isObject()) {
      throw new HeaderException("safetensors header is not a JSON object");
    }
    List<Tensor> tensors = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      if (entry.getKey().equals("__metadata__")) {
        continue;
      }
      tensors.add(tensor(entry.getKey(), entry.getValue()));
    }
    return tensors;
  }

  private static Tensor tensor(String name, JsonNode info) throws HeaderException {
    JsonNode dtype = info.get("dtype");
    JsonNode shape = info.get("shape");
    JsonNode offsets = info.get("data_offsets");
    if (dtype == null
        || !dtype.isTextual()
        || shape == null
        || !shape.isArray()
        || offsets == null
        || !offsets.isArray()
        || offsets.size() != 2) {
      throw new HeaderException(
          "tensor " + name + " has no dtype, shape and data_offsets [begin, end]");
    }
    List<Long> dims = new ArrayList<>();
    for (JsonNode dim : shape) {
      if (!dim.canConvertToLong() || dim.asLong() < 0) {
        throw new HeaderException(
            "tensor " + name + " has a shape that is not non-negative integers: " + shape);
      }
      dims.add(dim.asLong());
    }
    long begin = offsets.get(0).asLong();
    long end = offsets.get(1).asLong();
    if (begin < 0 || end < begin) {
      throw new HeaderException(
          "tensor " + name + " has data_offsets " + offsets + " that end before they begin");
    }
    return new Tensor(name, dtype.asText(), List.copyOf(dims), end - begin);
  }

  /** The dtype as PyTorch and config.json torch_dtype name it: BF16 is bfloat16. */
  public static String torchName(String dtype) {
    return switch (dtype) {
      case "F64" -> "float64";
      case "F32" -> "float32";
      case "F16" -> "float16";
      case "BF16" -> "bfloat16";
      case "F8_E4M3" -> "float8_e4m3fn";
      case "F8_E5M2" -> "float8_e5m2";
      case "I64" -> "int64";
      case "I32" -> "int32";
      case "I16" -> "int16";
      case "I8" -> "int8";
      case "U8" -> "uint8";
      case "BOOL" -> "bool";
      default -> dtype.toLowerCase(java.util.Locale.ROOT);
    };
  }
}
