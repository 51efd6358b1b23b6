package dev.llmfleet.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Inference servers LLMFleet knows how to run; all serve an OpenAI-compatible API. */
public enum Runtime {
  @JsonProperty("vllm")
  VLLM,
  @JsonProperty("sglang")
  SGLANG,
  @JsonProperty("llamacpp")
  LLAMA_CPP,
  @JsonProperty("ollama")
  OLLAMA,
  @JsonProperty("tgi")
  TGI
}
