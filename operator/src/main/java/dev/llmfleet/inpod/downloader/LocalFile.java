package dev.llmfleet.inpod.downloader;

import java.nio.file.Path;

/**
 * A remote file and its place on disk.
 *
 * @param onDisk bytes already there: the size when complete, else what the part file holds
 */
record LocalFile(RemoteFile remote, Path target, Path part, long onDisk, boolean complete) {}
