package dev.llmfleet.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * Runs an OpenAI-compatible inference server (vLLM, SGLang, llama.cpp, Ollama or TGI) on GPU nodes.
 */
@Group(Download.GROUP)
@Version(Download.VERSION)
@ShortNames("ms")
@Categories("llmfleet")
@AdditionalPrinterColumn(
    name = "Runtime",
    jsonPath = ".spec.runtime",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Model",
    jsonPath = ".status.model",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "GPUs",
    jsonPath = ".spec.resources.gpus",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
    name = "Ready",
    jsonPath = ".status.readiness",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Phase",
    jsonPath = ".status.phase",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Endpoint",
    jsonPath = ".status.endpoint",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Age",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
public class ModelServer extends CustomResource<ModelServerSpec, ModelServerStatus>
    implements Namespaced {

  @Override
  @JsonPropertyDescription("What to serve, with which runtime, on which nodes.")
  public ModelServerSpec getSpec() {
    return super.getSpec();
  }

  @Override
  @JsonPropertyDescription("Observed state, written by the operator.")
  public ModelServerStatus getStatus() {
    return super.getStatus();
  }
}
