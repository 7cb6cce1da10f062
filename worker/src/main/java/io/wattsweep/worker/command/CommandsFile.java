package io.wattsweep.worker.command;

import com.fasterxml.jackson.databind.JsonNode;
import io.wattsweep.common.json.Json;
import io.wattsweep.common.spec.CommandName;
import io.wattsweep.common.spec.FullTraining;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads a worker's commands file, YAML or JSON (JSON is YAML):
 *
 * <pre>
 * commands:
 *   resnet50-pytorch:                 # the name sweeps use: model: command:resnet50-pytorch
 *     argv: [/opt/venv/bin/python, train.py, --synthetic]   # executed as is, no shell
 *     workingDirectory: /opt/bench    # optional; relative to this file; default: its folder
 *     env: {OMP_NUM_THREADS: "8"}     # optional; added to the job's environment
 *     framework: pytorch 2.4          # optional; recorded with each run
 *     fullTraining: {datasetSize: 1281167, epochs: 90}   # optional; for the extrapolation
 * </pre>
 *
 * Everything is checked when the file is read: names, that {@code argv[0]} is an executable (on the
 * worker's PATH where it has no '/'), that the directory exists, and that {@code env} sets none of
 * the variables wattsweep sets for each job ({@code WATTSWEEP_*}, {@code CUDA_VISIBLE_DEVICES}).
 * Errors name the file, the entry, the field and the value.
 */
final class CommandsFile {
  private static final Set<String> FIELDS =
      Set.of("argv", "workingDirectory", "env", "framework", "fullTraining");
  private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  private final Path file;

  private CommandsFile(Path file) {
    this.file = file;
  }

  static CommandWorkloads read(Path file) {
    return new CommandsFile(file.toAbsolutePath().normalize()).read();
  }

  private CommandWorkloads read() {
    JsonNode root;
    try {
      root = Json.COMMANDS_YAML.readTree(Files.readString(file));
    } catch (IOException e) {
      String why =
          e instanceof com.fasterxml.jackson.core.JsonProcessingException j
              ? "is not valid YAML or JSON: " + j.getOriginalMessage()
              : "cannot be read: " + e;
      throw error(why);
    }
    if (root == null || !root.isObject()) {
      throw error("must be a map with the key 'commands': " + (root == null ? "empty" : root));
    }
    for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!key.equals("commands")) {
        throw error("has an unknown key '" + key + "'; known: [commands]");
      }
    }
    JsonNode commands = root.get("commands");
    if (commands == null || !commands.isObject() || commands.isEmpty()) {
      throw error("commands must map at least one workload name to its definition: " + commands);
    }
    var out = new LinkedHashMap<String, CommandDefinition>();
    for (var it = commands.fields(); it.hasNext(); ) {
      var entry = it.next();
      out.put(entry.getKey(), definition(entry.getKey(), entry.getValue()));
    }
    return new CommandWorkloads(file, out);
  }

  private CommandDefinition definition(String name, JsonNode node) {
    String at = "commands." + name;
    try {
      CommandName.check(at, name);
    } catch (IllegalArgumentException e) {
      throw error(e.getMessage());
    }
    if (!node.isObject()) {
      throw error(at + " must be a map with argv and optional " + optionalFields() + ": " + node);
    }
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String field = it.next();
      if (!FIELDS.contains(field)) {
        throw error(at + " has an unknown field '" + field + "'; known: argv, " + optionalFields());
      }
    }
    Path dir = directory(at + ".workingDirectory", node.get("workingDirectory"));
    List<String> argv = argv(at + ".argv", node.get("argv"), dir);
    return new CommandDefinition(
        name,
        argv,
        dir,
        env(at + ".env", node.get("env")),
        framework(at + ".framework", node.get("framework")),
        fullTraining(at + ".fullTraining", node.get("fullTraining")));
  }

  private static String optionalFields() {
    return "workingDirectory, env, framework, fullTraining";
  }

  private List<String> argv(String field, JsonNode node, Path dir) {
    if (node == null || !node.isArray() || node.isEmpty()) {
      throw error(
          field + " must be a non-empty list of strings, the program first (no shell): " + node);
    }
    var argv = new ArrayList<String>();
    for (int i = 0; i < node.size(); i++) {
      JsonNode arg = node.get(i);
      if (!arg.isTextual() || (i == 0 && arg.asText().isBlank())) {
        throw error(
            field + "[" + i + "] must be a" + (i == 0 ? " non-blank" : "") + " string: " + arg);
      }
      argv.add(arg.asText());
    }
    String program = argv.get(0);
    if (program.contains("/")) {
      Path p = dir.resolve(program);
      if (!Files.isRegularFile(p) || !Files.isExecutable(p)) {
        throw error(field + "[0] is not an executable file: '" + program + "' (" + p + ")");
      }
    } else if (!onPath(program)) {
      throw error(field + "[0] is not an executable on the worker's PATH: '" + program + "'");
    }
    return argv;
  }

  private static boolean onPath(String program) {
    String path = System.getenv("PATH");
    if (path == null) {
      return false;
    }
    for (String dir : path.split(File.pathSeparator)) {
      Path p = Path.of(dir.isEmpty() ? "." : dir, program);
      if (Files.isRegularFile(p) && Files.isExecutable(p)) {
        return true;
      }
    }
    return false;
  }

  private Path directory(String field, JsonNode node) {
    Path base = file.getParent();
    if (node == null || node.isNull()) {
      return base;
    }
    if (!node.isTextual() || node.asText().isBlank()) {
      throw error(field + " must be a directory's path: " + node);
    }
    Path dir = base.resolve(node.asText()).normalize();
    if (!Files.isDirectory(dir)) {
      throw error(field + " is not a directory: '" + node.asText() + "' (" + dir + ")");
    }
    return dir;
  }

  private Map<String, String> env(String field, JsonNode node) {
    var env = new LinkedHashMap<String, String>();
    if (node == null || node.isNull()) {
      return env;
    }
    if (!node.isObject()) {
      throw error(field + " must map variable names to values: " + node);
    }
    for (var it = node.fields(); it.hasNext(); ) {
      var e = it.next();
      String name = e.getKey();
      if (!ENV_NAME.matcher(name).matches()) {
        throw error(field + " has a name that is not a variable name: '" + name + "'");
      }
      if (name.startsWith("WATTSWEEP_") || name.equals("CUDA_VISIBLE_DEVICES")) {
        throw error(
            field + "." + name + " is set by wattsweep for each job and cannot be" + " configured");
      }
      JsonNode v = e.getValue();
      if (!v.isValueNode() || v.isNull()) {
        throw error(field + "." + name + " must be a string, number or boolean: " + v);
      }
      env.put(name, v.asText());
    }
    return env;
  }

  private String framework(String field, JsonNode node) {
    if (node == null || node.isNull()) {
      return "unknown (a command workload)";
    }
    if (!node.isTextual() || node.asText().isBlank() || node.asText().length() > 200) {
      throw error(field + " must be a string of 1-200 characters: " + node);
    }
    return node.asText();
  }

  private FullTraining fullTraining(String field, JsonNode node) {
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isObject()) {
      throw error(field + " must be a map {datasetSize, epochs}: " + node);
    }
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!f.equals("datasetSize") && !f.equals("epochs")) {
        throw error(field + " has an unknown field '" + f + "'; known: datasetSize, epochs");
      }
    }
    JsonNode size = node.get("datasetSize");
    JsonNode epochs = node.get("epochs");
    if (size == null || !size.isIntegralNumber() || !size.canConvertToLong()) {
      throw error(field + ".datasetSize must be an integer: " + size);
    }
    if (epochs == null || !epochs.isIntegralNumber() || !epochs.canConvertToInt()) {
      throw error(field + ".epochs must be an integer: " + epochs);
    }
    try {
      return new FullTraining(size.asLong(), epochs.asInt());
    } catch (IllegalArgumentException e) {
      // FullTraining names "fullTraining.epochs"; the entry says whose.
      throw error(field.substring(0, field.length() - "fullTraining".length()) + e.getMessage());
    }
  }

  private IllegalArgumentException error(String message) {
    return new IllegalArgumentException("commands file " + file + ": " + message);
  }
}
