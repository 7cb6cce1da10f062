package io.wattsweep.coordinator.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.wattsweep.common.json.Json;
import io.wattsweep.coordinator.catalog.ModelVersion;
import io.wattsweep.coordinator.catalog.PowerTrace;
import io.wattsweep.coordinator.catalog.RunRow;
import io.wattsweep.coordinator.report.PrecisionLabel;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The catalog's queries on the command line: {@code runs [--FILTER VALUE]... [--format
 * table|csv|json]}, {@code best MODEL [--by energy|time]}, {@code pareto MODEL}, {@code versions
 * MODEL [--format table|json]}, {@code alias MODEL ALIAS VERSION|--delete}, {@code compare
 * RUN_ID...} and {@code power RUN_ID [--points N] [--format table|csv|json]}. Filters (for runs,
 * best and pareto; versions takes --metadata only): --sweep, --model, --gpu-class, --precision,
 * --batch-size, --gpus, --state, and --metadata KEY=VALUE (repeatable: the run's sweep carried that
 * metadata).
 */
final class QueryCommands {
  private static final Map<String, String> FILTERS =
      Map.of(
          "--sweep",
          "sweep",
          "--model",
          "model",
          "--gpu-class",
          "gpuClass",
          "--precision",
          "precision",
          "--batch-size",
          "batchSize",
          "--gpus",
          "gpus",
          "--state",
          "state");

  private QueryCommands() {}

  static int run(String command, List<String> args, ApiClient api, PrintStream out, PrintStream err)
      throws IOException {
    String format = take(args, "--format", "table");
    String by = take(args, "--by", null);
    String points = take(args, "--points", null);
    if (points != null && !command.equals("power")) {
      throw new IllegalArgumentException("--points is an option of power only: '" + points + "'");
    }
    List<String> metadata = takeAll(args, "--metadata");
    if (!metadata.isEmpty() && !List.of("runs", "best", "pareto", "versions").contains(command)) {
      throw new IllegalArgumentException(
          "--metadata is an option of runs, best, pareto and" + " versions: " + metadata);
    }
    boolean delete = args.remove("--delete");
    if (delete && !command.equals("alias")) {
      throw new IllegalArgumentException("--delete is an option of alias only");
    }
    String filters = filters(args);
    // The filters and the sweep's metadata, for the run selections.
    String query =
        metadata.isEmpty() ? filters : join(filters, metadataQuery(metadata).substring(1));
    switch (command) {
      case "runs" -> {
        requireNoPositional(command, args, 0);
        if (format.equals("table")) {
          out.print(Printable.text(table(rows(api.body("/api/v1/runs" + query), "runs"))));
        } else {
          out.print(Printable.text(api.body("/api/v1/runs" + join(query, "format=" + format))));
        }
      }
      case "best" -> {
        requireNoPositional(command, args, 1);
        String path =
            "/api/v1/models/"
                + enc(args.get(0))
                + "/best"
                + (by == null ? query : join(query, "by=" + enc(by)));
        JsonNode best = Json.TOLERANT.readTree(api.body(path)).get("best");
        out.print(Printable.text(table(List.of(Json.TOLERANT.treeToValue(best, RunRow.class)))));
      }
      case "pareto" -> {
        requireNoPositional(command, args, 1);
        out.print(
            Printable.text(
                table(
                    rows(
                        api.body("/api/v1/models/" + enc(args.get(0)) + "/pareto" + query),
                        "front"))));
      }
      case "versions" -> {
        requireNoPositional(command, args, 1);
        if (!filters.isEmpty()) {
          throw new IllegalArgumentException(
              "versions takes no filters but --metadata: " + filters.substring(1));
        }
        String body =
            api.body("/api/v1/models/" + enc(args.get(0)) + "/versions" + metadataQuery(metadata));
        if (format.equals("table")) {
          out.print(Printable.text(VersionTable.format(versions(body))));
        } else if (format.equals("json")) {
          out.print(Printable.text(body));
        } else {
          throw new IllegalArgumentException("--format must be table or json: '" + format + "'");
        }
      }
      case "alias" -> {
        if (!query.isEmpty() || args.size() != (delete ? 2 : 3)) {
          throw new IllegalArgumentException(
              "alias takes MODEL ALIAS VERSION, or MODEL ALIAS" + " --delete: " + args);
        }
        String model = enc(args.get(0));
        String alias = enc(args.get(1));
        if (delete) {
          api.deleteAlias(model, alias);
          out.println(Printable.text("Removed alias " + args.get(1) + " of " + args.get(0)));
        } else {
          int version;
          try {
            version = Integer.parseInt(args.get(2));
          } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                "VERSION must be a version number: '" + args.get(2) + "'");
          }
          api.setAlias(model, alias, version);
          out.println(Printable.text(args.get(0) + " " + args.get(1) + " -> version " + version));
        }
      }
      case "compare" -> {
        if (args.isEmpty()) {
          throw new IllegalArgumentException("compare needs at least one run id");
        }
        out.print(
            Printable.text(
                table(
                    rows(
                        api.body("/api/v1/compare?runs=" + enc(String.join(",", args))), "runs"))));
      }
      case "power" -> {
        if (args.size() != 1 || !query.isEmpty()) {
          throw new IllegalArgumentException(
              "power takes one run id and no filters: "
                  + args
                  + (query.isEmpty() ? "" : " " + query.substring(1)));
        }
        String path = "/api/v1/runs/" + enc(args.get(0)) + "/power";
        if (format.equals("table")) {
          String body = api.body(path + "?points=" + enc(points == null ? "20" : points));
          out.print(
              Printable.text(PowerTable.format(Json.TOLERANT.readValue(body, PowerTrace.class))));
        } else {
          String q = join(points == null ? "" : "?points=" + enc(points), "format=" + enc(format));
          out.print(Printable.text(api.body(path + q)));
        }
      }
      default -> throw new IllegalArgumentException("unknown command: '" + command + "'");
    }
    return 0;
  }

  private static List<RunRow> rows(String body, String field) throws IOException {
    var out = new ArrayList<RunRow>();
    for (JsonNode n : Json.TOLERANT.readTree(body).get(field)) {
      out.add(Json.TOLERANT.treeToValue(n, RunRow.class));
    }
    return out;
  }

  private static List<ModelVersion> versions(String body) throws IOException {
    var out = new ArrayList<ModelVersion>();
    for (JsonNode n : Json.TOLERANT.readTree(body).get("versions")) {
      out.add(Json.TOLERANT.treeToValue(n, ModelVersion.class));
    }
    return out;
  }

  /** Runs side by side, one row each; estimates and extrapolations say what they are. */
  static String table(List<RunRow> rows) {
    var lines = new ArrayList<String[]>();
    lines.add(
        new String[] {
          "run",
          "config",
          "state",
          "time/batch",
          "energy/batch",
          "method",
          "full training (extrapolated)",
          "CO2e",
          "cost"
        });
    for (RunRow r : rows) {
      lines.add(
          new String[] {
            r.runId(),
            String.format(
                Locale.ROOT,
                "%s@%s %s %s%s %s x%d",
                r.model(),
                r.scale(),
                r.gpuClass(),
                PrecisionLabel.of(r.precisionRequested(), r.precisionRan(), r.precisionNote()),
                r.precisionNote() == null || r.precisionNote().isEmpty() ? "" : "*",
                r.batchSemantics().compact(r.batchSize()),
                r.gpus()),
            r.state() + (r.failureReason() == null ? "" : " (" + r.failureReason() + ")"),
            r.secondsPerBatch() == null
                ? ""
                : String.format(Locale.ROOT, "%.1f ms", r.secondsPerBatch() * 1e3),
            r.energyPerBatchJoules() == null
                ? ""
                : String.format(Locale.ROOT, "%.3f J", r.energyPerBatchJoules()),
            r.energyMethod() == null
                ? ""
                : r.energyMethod() + (r.energyIsEstimate() ? " (estimate)" : ""),
            (r.fullTrainingEnergyJoules() == null
                    ? ""
                    : String.format(
                        Locale.ROOT,
                        "%.3f MJ, %.1f h",
                        r.fullTrainingEnergyJoules() / 1e6,
                        r.fullTrainingHours()))
                + (r.fullTrainingNote() == null ? "" : " **"),
            r.fullTrainingCo2eKg() == null
                ? ""
                : String.format(Locale.ROOT, "%.2f kg", r.fullTrainingCo2eKg()),
            r.fullTrainingCost() == null
                ? ""
                : String.format(Locale.ROOT, "%.2f %s", r.fullTrainingCost(), r.currency())
          });
    }
    var out = new StringBuilder(ResultTable.format(lines));
    if (rows.isEmpty()) {
      out.append("(no runs match)\n");
    }
    rows.stream()
        .map(RunRow::precisionNote)
        .filter(n -> n != null && !n.isEmpty())
        .distinct()
        .forEach(n -> out.append("* ").append(n).append('\n'));
    rows.stream()
        .map(RunRow::fullTrainingNote)
        .filter(n -> n != null)
        .distinct()
        .forEach(n -> out.append("** ").append(n).append('\n'));
    return out.toString();
  }

  private static String filters(List<String> args) {
    var params = new ArrayList<String>();
    for (var f : FILTERS.entrySet()) {
      String v = take(args, f.getKey(), null);
      if (v != null) {
        params.add(f.getValue() + "=" + enc(v));
      }
    }
    for (String a : args) {
      if (a.startsWith("--")) {
        throw new IllegalArgumentException(
            "unknown option '" + a + "'; filters: " + new java.util.TreeSet<>(FILTERS.keySet()));
      }
    }
    return params.isEmpty() ? "" : "?" + String.join("&", params);
  }

  private static void requireNoPositional(String command, List<String> args, int n) {
    if (args.size() != n) {
      throw new IllegalArgumentException(
          command
              + " takes "
              + (n == 0 ? "no arguments" : "a model name")
              + " besides its options: "
              + args);
    }
  }

  private static String join(String query, String param) {
    return query.isEmpty() ? "?" + param : query + "&" + param;
  }

  /** Every value of a repeatable option, removed from {@code args}. */
  private static List<String> takeAll(List<String> args, String name) {
    var values = new ArrayList<String>();
    for (String v = take(args, name, null); v != null; v = take(args, name, null)) {
      values.add(v);
    }
    return values;
  }

  /** KEY=VALUE pairs as {@code ?metadata.KEY=VALUE&...}. */
  private static String metadataQuery(List<String> pairs) {
    var params = new ArrayList<String>();
    for (String pair : pairs) {
      int eq = pair.indexOf('=');
      if (eq < 1) {
        throw new IllegalArgumentException("--metadata takes KEY=VALUE: '" + pair + "'");
      }
      params.add(enc("metadata." + pair.substring(0, eq)) + "=" + enc(pair.substring(eq + 1)));
    }
    return params.isEmpty() ? "" : "?" + String.join("&", params);
  }

  private static String take(List<String> args, String name, String dflt) {
    int i = args.indexOf(name);
    if (i < 0) {
      return dflt;
    }
    if (i + 1 >= args.size()) {
      throw new IllegalArgumentException(name + " needs a value");
    }
    args.remove(i);
    return args.remove(i);
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
