package io.wattsweep.coordinator.catalog;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The catalog's connection: its schema migrated, its driver set up for the catalog's writes. */
final class Connections {
  private static final Logger LOG = LoggerFactory.getLogger(Connections.class);

  private Connections() {}

  /** Migrates the schema to the latest version, then connects, with auto-commit off. */
  static Connection open(String jdbcUrl, String user, String password) {
    Flyway.configure()
        .dataSource(jdbcUrl, user, password)
        .locations("classpath:db/migration")
        .load()
        .migrate();
    try {
      var props = new Properties();
      props.setProperty("user", user);
      props.setProperty("password", password);
      if (jdbcUrl.startsWith("jdbc:postgresql:")) {
        // Send batched inserts as multi-row inserts: ingestion's hot path.
        props.setProperty("reWriteBatchedInserts", "true");
      }
      Connection c = DriverManager.getConnection(jdbcUrl, props);
      if (jdbcUrl.startsWith("jdbc:h2:file:")) {
        // H2 writes a commit to its file up to 500 ms later by default: a coordinator killed
        // then would lose a sweep it answered 201 to, or batches its API already showed.
        try (var st = c.createStatement()) {
          st.execute("SET WRITE_DELAY 0");
        }
      }
      c.setAutoCommit(false);
      LOG.info("Catalog open at {}", redact(jdbcUrl));
      return c;
    } catch (SQLException e) {
      throw new CatalogException("cannot open the catalog at " + redact(jdbcUrl), e);
    }
  }

  private static String redact(String jdbcUrl) {
    return jdbcUrl.replaceAll("(?i)password=[^;&]*", "password=***");
  }
}
