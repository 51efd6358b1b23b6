package dev.llmfleet.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** Fine-tunes a downloaded base model on a downloaded data set; each attempt is a run (a Job). */
@Group(Download.GROUP)
@Version(Download.VERSION)
@ShortNames("ftj")
@Categories("llmfleet")
@AdditionalPrinterColumn(
    name = "Base",
    jsonPath = ".spec.baseModel.downloadRef.name",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Method",
    jsonPath = ".spec.method",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Phase",
    jsonPath = ".status.phase",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Attempts",
    jsonPath = ".status.attempts",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
    name = "Age",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
// The status subresource keeps status out of spec updates, so oldSelf.status is the stored status
// here.
@ValidationRule(
    value =
        "!has(oldSelf.status) || !has(oldSelf.status.runs) || size(oldSelf.status.runs) == 0 "
            + "|| self.spec == oldSelf.spec",
    message =
        "spec is immutable once a run has started: create a new FineTuneJob to train with other settings")
public class FineTuneJob extends CustomResource<FineTuneJobSpec, FineTuneJobStatus>
    implements Namespaced {

  @Override
  @JsonPropertyDescription(
      "What to train, on what data, how, and where the result goes. Immutable once a run has started.")
  public FineTuneJobSpec getSpec() {
    return super.getSpec();
  }

  @Override
  @JsonPropertyDescription("Observed state, written by the operator.")
  public FineTuneJobStatus getStatus() {
    return super.getStatus();
  }
}
