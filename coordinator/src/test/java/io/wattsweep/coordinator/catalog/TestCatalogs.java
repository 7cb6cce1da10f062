package io.wattsweep.coordinator.catalog;

import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

/** Fresh, empty catalogs for tests: a new H2 memory database or a new PostgreSQL schema. */
public final class TestCatalogs {
  private static final String PG_URL = "jdbc:postgresql://127.0.0.1:5432/test";
  private static final List<String> SCHEMAS = new ArrayList<>();

  private TestCatalogs() {}

  public static Stream<String> databases() {
    return Stream.of("h2", "postgresql");
  }

  public static Catalog open(String db) throws Exception {
    String name = "t" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    if (db.equals("h2")) {
      return Catalog.open("jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1", "sa", "");
    }
    try (var c = DriverManager.getConnection(PG_URL, "postgres", "")) {
      c.createStatement().execute("CREATE SCHEMA " + name);
    }
    synchronized (SCHEMAS) {
      SCHEMAS.add(name);
    }
    return Catalog.open(PG_URL + "?currentSchema=" + name, "postgres", "");
  }

  /** Drops the PostgreSQL schemas opened so far; a test class calls it after all its tests. */
  public static void dropSchemas() throws Exception {
    try (var c = DriverManager.getConnection(PG_URL, "postgres", "")) {
      synchronized (SCHEMAS) {
        for (String schema : SCHEMAS) {
          c.createStatement().execute("DROP SCHEMA " + schema + " CASCADE");
        }
        SCHEMAS.clear();
      }
    }
  }
}
