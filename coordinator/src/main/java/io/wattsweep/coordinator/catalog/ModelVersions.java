package io.wattsweep.coordinator.catalog;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import io.wattsweep.common.json.Json;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/** Model versions and their aliases: read them, point an alias at one, remove an alias. */
final class ModelVersions {
  /** Not all digits, so that an alias never reads as a version number. */
  private static final Pattern ALIAS = Pattern.compile("(?![0-9]+$)[a-z0-9][a-z0-9_.-]{0,63}");

  private final Connection c;

  ModelVersions(Connection c) {
    this.c = c;
  }

  /** Throws, naming the value, unless {@code alias} is a valid alias name. */
  static String checkAlias(String alias) {
    if (alias == null || !ALIAS.matcher(alias).matches()) {
      throw new IllegalArgumentException(
          "alias must be 1-64 characters of a-z, 0-9, _ . -"
              + " (starting with a letter or digit), not all digits: "
              + (alias == null ? "null" : "'" + alias + "'"));
    }
    return alias;
  }

  /** Newest first. */
  List<ModelVersion> all(String model) throws SQLException {
    return select("WHERE model = ? ORDER BY version DESC", model);
  }

  /** The version numbered {@code versionOrAlias}, or the one that alias names. */
  Optional<ModelVersion> one(String model, String versionOrAlias) throws SQLException {
    List<ModelVersion> found =
        versionOrAlias.matches("[0-9]{1,9}")
            ? select("WHERE model = ? AND version = ?", model, Integer.parseInt(versionOrAlias))
            : select(
                "WHERE model = ? AND version = (SELECT version FROM model_aliases"
                    + " WHERE model = ? AND alias = ?)",
                model,
                model,
                versionOrAlias);
    return found.stream().findFirst();
  }

  /** Points the (checked) alias at the version; false when the model has no such version. */
  boolean setAlias(String model, String alias, int version, long nowMs, String setBy)
      throws SQLException {
    try (var ps =
            Jdbc.prepare(
                c,
                "SELECT 1 FROM model_versions WHERE model = ?" + " AND version = ?",
                model,
                version);
        ResultSet rs = ps.executeQuery()) {
      if (!rs.next()) {
        return false;
      }
    }
    try (var del =
        Jdbc.prepare(c, "DELETE FROM model_aliases WHERE model = ? AND alias = ?", model, alias)) {
      del.executeUpdate();
    }
    try (var ins =
        Jdbc.prepare(
            c,
            "INSERT INTO model_aliases (model, alias, version,"
                + " set_at_ms, set_by) VALUES (?, ?, ?, ?, ?)",
            model,
            alias,
            version,
            nowMs,
            setBy)) {
      ins.executeUpdate();
    }
    return true;
  }

  /** False when the model had no such alias. */
  boolean deleteAlias(String model, String alias) throws SQLException {
    try (var ps =
        Jdbc.prepare(c, "DELETE FROM model_aliases WHERE model = ? AND alias = ?", model, alias)) {
      return ps.executeUpdate() > 0;
    }
  }

  private List<ModelVersion> select(String where, Object... args) throws SQLException {
    var rows = new ArrayList<ModelVersion>();
    try (var ps = Jdbc.prepare(c, "SELECT * FROM model_versions " + where, args);
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        rows.add(
            new ModelVersion(
                rs.getString("model"),
                rs.getInt("version"),
                rs.getString("run_id"),
                rs.getDouble("scale"),
                rs.getString("framework"),
                rs.getObject("generator_params", Long.class),
                rs.getObject("discriminator_params", Long.class),
                rs.getObject("flops_per_step", Long.class),
                rs.getString("architecture"),
                rs.getString("artifact_uri"),
                rs.getString("artifact_sha256"),
                rs.getObject("artifact_bytes", Long.class),
                rs.getString("source_revision"),
                rs.getString("sweep_id"),
                rs.getString("submitted_by"),
                rs.getLong("created_at_ms"),
                metadata(rs.getString("metadata_json")),
                List.of()));
      }
    }
    if (rows.isEmpty()) {
      return rows;
    }
    Map<Integer, List<String>> aliases = new HashMap<>();
    try (var ps =
            Jdbc.prepare(
                c,
                "SELECT version, alias FROM model_aliases WHERE model = ?" + " ORDER BY alias",
                rows.get(0).model());
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        aliases.computeIfAbsent(rs.getInt(1), v -> new ArrayList<>()).add(rs.getString(2));
      }
    }
    return rows.stream()
        .map(v -> v.withAliases(aliases.getOrDefault(v.version(), List.of())))
        .toList();
  }

  private static Map<String, String> metadata(String json) {
    if (json == null) {
      return Map.of();
    }
    try {
      return Json.MAPPER.readValue(json, new TypeReference<LinkedHashMap<String, String>>() {});
    } catch (JsonProcessingException e) {
      throw new CatalogException("a model version's metadata is not a JSON object: " + json, e);
    }
  }
}
