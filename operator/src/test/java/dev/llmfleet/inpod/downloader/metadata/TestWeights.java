package dev.llmfleet.inpod.downloader.metadata;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * Our own small writer of safetensors and GGUF headers, for cases the Python fixtures do not cover
 * (BF16, errors). The fixtures in src/test/resources/metadata, written by the formats' own packages
 * (make_fixtures.py), are read by the same tests with the same expectations, which is what checks
 * this writer against the formats.
 */
final class TestWeights {

  private TestWeights() {}

  /** A safetensors file: {name: [dtype, bytesPerElement, dims...]}, data zeros. */
  static byte[] safetensors(Map<String, List<Object>> tensors) {
    StringBuilder json = new StringBuilder("{\"__metadata__\":{\"format\":\"pt\"}");
    long offset = 0;
    for (var entry : tensors.entrySet()) {
      List<Object> spec = entry.getValue();
      long elements = 1;
      StringBuilder shape = new StringBuilder();
      for (Object dim : spec.subList(2, spec.size())) {
        elements *= ((Number) dim).longValue();
        shape.append(shape.length() == 0 ? "" : ",").append(dim);
      }
      long bytes = elements * ((Number) spec.get(1)).longValue();
      json.append(",\"")
          .append(entry.getKey())
          .append("\":{\"dtype\":\"")
          .append(spec.get(0))
          .append("\",\"shape\":[")
          .append(shape)
          .append("],\"data_offsets\":[")
          .append(offset)
          .append(',')
          .append(offset + bytes)
          .append("]}");
      offset += bytes;
    }
    json.append('}');
    while (json.length() % 8 != 0) {
      json.append(' ');
    }
    byte[] header = json.toString().getBytes(StandardCharsets.UTF_8);
    ByteBuffer file =
        ByteBuffer.allocate(8 + header.length + (int) offset).order(ByteOrder.LITTLE_ENDIAN);
    file.putLong(header.length).put(header);
    return file.array();
  }

  /** A GGUF header writer, little-endian, as the format's spec lays it out. */
  static final class Gguf {
    private final ByteArrayOutputStream kvs = new ByteArrayOutputStream();
    private final ByteArrayOutputStream infos = new ByteArrayOutputStream();
    private int kvCount;
    private int tensorCount;
    private long offset;

    Gguf string(String key, String value) {
      key(key, 8);
      str(kvs, value);
      return this;
    }

    Gguf u32(String key, long value) {
      key(key, 4);
      le(kvs, value, 4);
      return this;
    }

    Gguf u64(String key, long value) {
      key(key, 10);
      le(kvs, value, 8);
      return this;
    }

    Gguf f32(String key, float value) {
      key(key, 6);
      le(kvs, Float.floatToIntBits(value), 4);
      return this;
    }

    Gguf strings(String key, List<String> values) {
      key(key, 9);
      le(kvs, 8, 4);
      le(kvs, values.size(), 8);
      values.forEach(v -> str(kvs, v));
      return this;
    }

    /**
     * @param dims innermost first, as GGUF stores them
     */
    Gguf tensor(String name, int ggmlType, long... dims) {
      tensorCount++;
      str(infos, name);
      le(infos, dims.length, 4);
      for (long dim : dims) {
        le(infos, dim, 8);
      }
      le(infos, ggmlType, 4);
      le(infos, offset, 8);
      offset += 32;
      return this;
    }

    byte[] bytes(int version) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      out.writeBytes("GGUF".getBytes(StandardCharsets.US_ASCII));
      le(out, version, 4);
      le(out, tensorCount, 8);
      le(out, kvCount, 8);
      out.writeBytes(kvs.toByteArray());
      out.writeBytes(infos.toByteArray());
      return out.toByteArray();
    }

    private void key(String key, int type) {
      kvCount++;
      str(kvs, key);
      le(kvs, type, 4);
    }

    private static void str(ByteArrayOutputStream out, String value) {
      byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
      le(out, bytes.length, 8);
      out.writeBytes(bytes);
    }

    private static void le(ByteArrayOutputStream out, long value, int bytes) {
      for (int i = 0; i < bytes; i++) {
        out.write((int) (value >>> (8 * i)) & 0xff);
      }
    }
  }
}
