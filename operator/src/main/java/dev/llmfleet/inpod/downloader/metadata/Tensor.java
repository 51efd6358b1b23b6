package dev.llmfleet.inpod.downloader.metadata;

import java.util.List;

/**
 * One tensor as a file's header describes it.
 *
 * @param type the dtype (safetensors, e.g. BF16) or the ggml type (GGUF, e.g. Q4_K)
 * @param bytes bytes of its data in the file
 */
public record Tensor(String name, String type, List<Long> shape, long bytes) {

  public long elements() {
    long elements = 1;
    for (long dim : shape) {
      elements = Math.multiplyExact(elements, dim);
    }
    return elements;
  }
}
