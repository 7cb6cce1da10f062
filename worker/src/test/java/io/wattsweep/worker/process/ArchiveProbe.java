package io.wattsweep.worker.process;

/** A program for {@link JobClassArchiveTest}: exits with the code its one argument names. */
public final class ArchiveProbe {
  private ArchiveProbe() {}

  public static void main(String[] args) {
    System.exit(Integer.parseInt(args[0]));
  }
}
