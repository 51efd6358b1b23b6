package dev.llmfleet.inpod.downloader.metadata;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The header of a GGUF file (versions 2 and 3, little-endian): magic "GGUF", version, tensor count,
 * metadata key-value count, the key-values, then each tensor's name, dimensions, ggml type and data
 * offset. Reading stops at the end of the tensor infos; the tensor data is never read. Array values
 * (the tokenizer's vocabulary) are read past, not kept.
 *
 * @param metadata scalar key-values: Long for integers, Double for floats, Boolean, String
 */
public record GgufHeader(int version, Map<String, Object> metadata, List<Tensor> tensors) {

  static final int MAGIC = 0x46554747;

  /**
   * Bounds that no real file comes near, so that a corrupt count fails fast instead of allocating
   * wildly.
   */
  static final long MAX_STRING_BYTES = 64L << 20;

  static final long MAX_COUNT = 1L << 24;
  static final int MAX_DIMS = 8;

  private static final int UINT8 = 0;
  private static final int INT8 = 1;
  private static final int UINT16 = 2;
  private static final int INT16 = 3;
  private static final int UINT32 = 4;
  private static final int INT32 = 5;
  private static final int FLOAT32 = 6;
  private static final int BOOL = 7;
  private static final int STRING = 8;
  private static final int ARRAY = 9;
  private static final int UINT64 = 10;
  private static final int INT64 = 11;
  private static final int FLOAT64 = 12;

  /** Reads the header from the start of a GGUF file. */
  public static GgufHeader read(InputStream in) throws IOException, HeaderException {
    Reader reader = new Reader(new DataInputStream(in));
    try {
      return reader.header();
    } catch (EOFException e) {
      throw new HeaderException("GGUF header ends early");
    }
  }

  public String string(String key) {
    return metadata.get(key) instanceof String s ? s : null;
  }

  public Long integer(String key) {
    return metadata.get(key) instanceof Long l ? l : null;
  }

  private static final class Reader {
    private final DataInputStream in;

    Reader(DataInputStream in) {
      this.in = in;
    }

    GgufHeader header() throws IOException, HeaderException {
      if (u32() != MAGIC) {
        throw new HeaderException("not a GGUF file (no GGUF magic)");
      }
      int version = (int) u32();
      if (version != 2 && version != 3) {
        throw new HeaderException("GGUF version " + version + " is not supported (only 2 and 3)");
      }
      long tensorCount = count(u64(), "tensor count");
      long kvCount = count(u64(), "metadata count");
      Map<String, Object> metadata = new LinkedHashMap<>();
      for (long i = 0; i < kvCount; i++) {
        String key = string();
        int type = (int) u32();
        Object value = value(type);
        if (value != null) {
          metadata.put(key, value);
        }
      }
      List<Tensor> tensors = new ArrayList<>();
      for (long i = 0; i < tensorCount; i++) {
        String name = string();
        long dims = u32();
        if (dims > MAX_DIMS) {
          throw new HeaderException("tensor " + name + " has " + dims + " dimensions");
        }
        List<Long> shape = new ArrayList<>();
        for (int d = 0; d < dims; d++) {
          long dim = u64();
          if (dim < 0) {
            throw new HeaderException("tensor " + name + " has a dimension beyond 2^63");
          }
          shape.add(dim);
        }
        GgmlType type = GgmlType.of((int) u32());
        u64(); // the data offset: where the bytes are, which this reader never goes to
        long elements = new Tensor(name, type.name(), shape, 0).elements();
        tensors.add(new Tensor(name, type.name(), List.copyOf(shape), type.bytes(elements)));
      }
      return new GgufHeader(version, metadata, tensors);
    }

    /** A scalar as Long, Double, Boolean or String; null for an array, which is read past. */
    private Object value(int type) throws IOException, HeaderException {
      return switch (type) {
        case UINT8 -> (long) in.readUnsignedByte();
        case INT8 -> (long) in.readByte();
        case UINT16 -> (long) Short.toUnsignedInt(Short.reverseBytes(in.readShort()));
        case INT16 -> (long) Short.reverseBytes(in.readShort());
        case UINT32 -> u32();
        case INT32 -> (long) Integer.reverseBytes(in.readInt());
        case FLOAT32 -> (double) Float.intBitsToFloat(Integer.reverseBytes(in.readInt()));
        case BOOL -> in.readUnsignedByte() != 0;
        case STRING -> string();
        case UINT64, INT64 -> u64();
        case FLOAT64 -> Double.longBitsToDouble(Long.reverseBytes(in.readLong()));
        case ARRAY -> {
          int elementType = (int) u32();
          long length = count(u64(), "array length");
          for (long i = 0; i < length; i++) {
            value(elementType);
          }
          yield null;
        }
        default -> throw new HeaderException("unknown GGUF metadata value type " + type);
      };
    }

    private String string() throws IOException, HeaderException {
      long length = u64();
      if (length < 0 || length > MAX_STRING_BYTES) {
        throw new HeaderException("GGUF string of " + Long.toUnsignedString(length) + " bytes");
      }
      byte[] bytes = new byte[(int) length];
      in.readFully(bytes);
      return new String(bytes, StandardCharsets.UTF_8);
    }

    private static long count(long value, String what) throws HeaderException {
      if (value < 0 || value > MAX_COUNT) {
        throw new HeaderException(
            "GGUF " + what + " " + Long.toUnsignedString(value) + " is out of range");
      }
      return value;
    }

    private long u32() throws IOException {
      return Integer.toUnsignedLong(Integer.reverseBytes(in.readInt()));
    }

    private long u64() throws IOException {
      return Long.reverseBytes(in.readLong());
    }
  }
}
