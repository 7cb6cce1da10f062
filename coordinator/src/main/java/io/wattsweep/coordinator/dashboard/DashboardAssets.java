package io.wattsweep.coordinator.dashboard;

import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The dashboard's page, script and style sheet, read from the jar once at start-up (blocking) and
 * served from memory: nothing is fetched from elsewhere at run time.
 */
public final class DashboardAssets {
  static final String ROOT = "io/wattsweep/coordinator/dashboard/web/";
  private static final Map<String, String> TYPES =
      Map.of(
          "index.html", "text/html; charset=utf-8",
          "dashboard.js", "text/javascript; charset=utf-8",
          "dashboard.css", "text/css; charset=utf-8",
          "favicon.svg", "image/svg+xml");

  /** One asset: its bytes and content type. */
  record Asset(Buffer body, String contentType) {}

  private final Map<String, Asset> assets;

  private DashboardAssets(Map<String, Asset> assets) {
    this.assets = Map.copyOf(assets);
  }

  /** Blocking: reads the assets from the class path. */
  public static DashboardAssets load() {
    var out = new HashMap<String, Asset>();
    ClassLoader loader = DashboardAssets.class.getClassLoader();
    TYPES.forEach(
        (name, type) -> {
          try (InputStream in = loader.getResourceAsStream(ROOT + name)) {
            if (in == null) {
              throw new IllegalStateException(
                  "dashboard asset missing from the jar: " + ROOT + name);
            }
            out.put(name, new Asset(Buffer.buffer(in.readAllBytes()), type));
          } catch (IOException e) {
            throw new UncheckedIOException("cannot read dashboard asset " + name, e);
          }
        });
    return new DashboardAssets(out);
  }

  Optional<Asset> get(String name) {
    return Optional.ofNullable(assets.get(name));
  }
}
