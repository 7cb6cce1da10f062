package io.wattsweep.worker.artifact;

import io.wattsweep.common.event.Artifact;
import io.wattsweep.worker.train.Workload;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.LocalDateTime;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A run's trained generator as one artifact: the workload's checkpoint written to a temporary
 * directory, packed into {@value #FILE} (entries in name order with a fixed time, so the same
 * checkpoint always packs to the same bytes), hashed while it is written, then put into the store.
 */
public final class GeneratorArtifact {
  private static final Logger LOG = LoggerFactory.getLogger(GeneratorArtifact.class);

  /** The artifact's file name in every store. */
  public static final String FILE = "generator.zip";

  /** The DOS epoch: zip entries carry no time of their own. */
  private static final LocalDateTime ENTRY_TIME = LocalDateTime.of(1980, 1, 1, 0, 0);

  private GeneratorArtifact() {}

  /**
   * Saves, packs and stores the generator; the temporary files are gone afterwards.
   *
   * @return the stored artifact, or null where the workload had nothing to save
   */
  public static Artifact save(Workload workload, ArtifactStore store, ArtifactKey key)
      throws IOException {
    long t0 = System.nanoTime();
    Path work = Files.createTempDirectory("wattsweep-generator-");
    try {
      Path checkpoint = Files.createDirectory(work.resolve("checkpoint"));
      if (!workload.saveGenerator(checkpoint)) {
        LOG.info("Run {}: the workload saved no generator; the run has no artifact", key.runId());
        return null;
      }
      Path zip = work.resolve(FILE);
      Packed packed = pack(checkpoint, zip);
      String uri = store.put(key, zip, packed.sha256()).toString();
      LOG.info(
          "Run {}: generator saved to {} ({} bytes, sha256 {}) in {} ms",
          key.runId(),
          uri,
          packed.bytes(),
          packed.sha256(),
          (System.nanoTime() - t0) / 1_000_000);
      return new Artifact(uri, packed.sha256(), packed.bytes());
    } finally {
      FileTrees.delete(work);
    }
  }

  /** A packed file's SHA-256 (hex) and size. */
  record Packed(String sha256, long bytes) {}

  /** Zips the files under {@code directory}, by their paths relative to it, into {@code zip}. */
  static Packed pack(Path directory, Path zip) throws IOException {
    List<Path> files;
    try (Stream<Path> all = Files.walk(directory)) {
      files =
          all.filter(Files::isRegularFile)
              .map(directory::relativize)
              .sorted(Comparator.comparing(GeneratorArtifact::entryName))
              .toList();
    }
    if (files.isEmpty()) {
      throw new IOException("the generator's checkpoint is empty: " + directory);
    }
    MessageDigest sha256 = sha256();
    try (OutputStream out =
            new DigestOutputStream(
                new BufferedOutputStream(Files.newOutputStream(zip), 1 << 16), sha256);
        ZipOutputStream z = new ZipOutputStream(out)) {
      // Weights are noise to a compressor; the fastest level keeps most of what it can win.
      z.setLevel(Deflater.BEST_SPEED);
      for (Path f : files) {
        ZipEntry entry = new ZipEntry(entryName(f));
        entry.setTimeLocal(ENTRY_TIME);
        z.putNextEntry(entry);
        Files.copy(directory.resolve(f), z);
        z.closeEntry();
      }
    }
    return new Packed(HexFormat.of().formatHex(sha256.digest()), Files.size(zip));
  }

  private static String entryName(Path relative) {
    return relative.toString().replace(relative.getFileSystem().getSeparator(), "/");
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
