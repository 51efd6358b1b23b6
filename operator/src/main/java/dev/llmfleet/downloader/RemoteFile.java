package dev.llmfleet.downloader;

import java.net.URI;
import java.util.Optional;

/**
 * One file to fetch.
 *
 * @param path where it goes, relative to the Download's folder (a repository path or a URL's last
 *     segment)
 * @param size its size in bytes, known before any byte is fetched
 * @param url where its bytes are
 * @param checksum how it is verified; empty for an HTTP file without a given sha256
 */
record RemoteFile(String path, long size, URI url, Optional<Checksum> checksum) {}
