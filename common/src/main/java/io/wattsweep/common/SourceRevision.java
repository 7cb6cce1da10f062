package io.wattsweep.common;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The git commit this build of wattsweep came from, written at build time by the git-commit-id
 * plugin (common/pom.xml): the provenance of every model version a run registers.
 */
public final class SourceRevision {
  private static final String RESOURCE = "source-revision.properties";
  private static final String CURRENT = read();

  private SourceRevision() {}

  /** The commit's id, with "-dirty" where the build had uncommitted changes; null if unknown. */
  public static String current() {
    return CURRENT;
  }

  /** The revision the properties name, as {@link #current()} says it; null where they name none. */
  static String of(Properties p) {
    String id = p.getProperty("git.commit.id.full");
    if (id == null || id.isBlank()) {
      return null;
    }
    return id + ("true".equals(p.getProperty("git.dirty")) ? "-dirty" : "");
  }

  private static String read() {
    try (InputStream in = SourceRevision.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        return null; // built without a git repository
      }
      var p = new Properties();
      p.load(in);
      return of(p);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + RESOURCE, e);
    }
  }
}
