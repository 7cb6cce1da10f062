package io.wattsweep.worker.command;

import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The command workloads a worker's operator configured in its commands file ({@code
 * WATTSWEEP_COMMANDS_FILE}; format in {@link CommandsFile}). Jobs name them as {@code
 * command:NAME}; a name that is not here fails its job as invalid-spec.
 */
public final class CommandWorkloads {
  /** A worker without a commands file runs the built-in models only. */
  public static final CommandWorkloads NONE = new CommandWorkloads(null, Map.of());

  private final Path file;
  private final Map<String, CommandDefinition> commands;

  CommandWorkloads(Path file, Map<String, CommandDefinition> commands) {
    this.file = file;
    this.commands = Collections.unmodifiableMap(new TreeMap<>(commands));
  }

  /**
   * Reads and checks the commands file, if one is set.
   *
   * @throws IllegalArgumentException naming the file, the entry, the field and the value
   */
  public static CommandWorkloads load(Optional<Path> file) {
    return file.isEmpty() ? NONE : CommandsFile.read(file.get());
  }

  /** The configured names, sorted. */
  public Set<String> names() {
    return commands.keySet();
  }

  /**
   * The workload of that name.
   *
   * @throws IllegalArgumentException naming the workload and the names this worker has
   */
  public CommandDefinition named(String name) {
    CommandDefinition c = commands.get(name);
    if (c == null) {
      throw new IllegalArgumentException(
          "command workload '" + name + "' is not configured on" + " this worker: " + describe());
    }
    return c;
  }

  /** For logs and errors: the file and its names. */
  public String describe() {
    if (file == null) {
      return "it has no commands file (WATTSWEEP_COMMANDS_FILE is unset)";
    }
    return "its commands file " + file + " names " + String.join(", ", commands.keySet());
  }
}
