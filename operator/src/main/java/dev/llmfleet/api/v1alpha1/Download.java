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
 * Pulls model weights or a data set into a volume, resumably, verified, with live progress in
 * status.
 */
@Group(Download.GROUP)
@Version(Download.VERSION)
@ShortNames("dl")
@Categories("llmfleet")
@AdditionalPrinterColumn(
    name = "Source",
    jsonPath = ".status.source",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Phase",
    jsonPath = ".status.phase",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Progress",
    jsonPath = ".status.progress.percent",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
    name = "Size",
    jsonPath = ".status.progress.bytesTotal",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
    name = "Params",
    jsonPath = ".status.model.parametersRounded",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Age",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
public class Download extends CustomResource<DownloadSpec, DownloadStatus> implements Namespaced {

  public static final String GROUP = "llmfleet.dev";
  public static final String VERSION = "v1alpha1";

  @Override
  @JsonPropertyDescription("What to fetch, where to put it, and how hard to try.")
  public DownloadSpec getSpec() {
    return super.getSpec();
  }

  @Override
  @JsonPropertyDescription(
      "Observed state, written by the operator; status.progress and status.model are written by the downloader.")
  public DownloadStatus getStatus() {
    return super.getStatus();
  }
}
