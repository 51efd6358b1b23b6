package dev.llmfleet.e2e.support;

import dev.llmfleet.api.v1alpha1.Download;
import dev.llmfleet.api.v1alpha1.DownloadSource;
import dev.llmfleet.api.v1alpha1.DownloadSpec;
import dev.llmfleet.api.v1alpha1.HttpSource;
import dev.llmfleet.api.v1alpha1.common.Storage;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Quantity;

/**
 * An HTTP Download of one file from an address nobody serves ({@code http://127.0.0.1:9/<file>})
 * into a 1Gi claim: on the simulated nodes no downloader runs, and the tests report its progress in
 * its place ({@link DownloaderReports}).
 */
public final class SmallDownload {

  private SmallDownload() {}

  public static Download of(String namespace, String name, String file) {
    Download download = new Download();
    download.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(namespace).build());
    download.setSpec(
        DownloadSpec.builder()
            .source(
                DownloadSource.builder()
                    .http(HttpSource.builder().url("http://127.0.0.1:9/" + file).build())
                    .build())
            .storage(Storage.builder().size(new Quantity("1Gi")).build())
            .build());
    return download;
  }
}
