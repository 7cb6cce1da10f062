package io.wattsweep.worker.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.wattsweep.common.spec.FullTraining;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CommandsFileTest {
  @TempDir Path dir;

  private Path write(String text) throws Exception {
    return Files.writeString(dir.resolve("commands.yaml"), text);
  }

  @Test
  void readsEachWorkloadWithItsDefaultsAndOptions() throws Exception {
    Files.createDirectories(dir.resolve("bench"));
    Path file =
        write(
            """
        commands:
          resnet50-pytorch:
            argv: [python3, train.py, --synthetic]
            workingDirectory: bench
            env: {OMP_NUM_THREADS: 8, MODE: fast}
            framework: pytorch 2.4
            fullTraining: {datasetSize: 1281167, epochs: 90}
          plain:
            argv: [/bin/true]
        """);

    CommandWorkloads commands = CommandWorkloads.load(Optional.of(file));

    assertEquals(Set.of("plain", "resnet50-pytorch"), commands.names());
    CommandDefinition resnet = commands.named("resnet50-pytorch");
    assertEquals(List.of("python3", "train.py", "--synthetic"), resnet.argv());
    assertEquals(dir.resolve("bench").toAbsolutePath(), resnet.workingDirectory());
    assertEquals(Map.of("OMP_NUM_THREADS", "8", "MODE", "fast"), resnet.env());
    assertEquals("pytorch 2.4", resnet.framework());
    assertEquals(new FullTraining(1_281_167, 90), resnet.fullTraining());
    CommandDefinition plain = commands.named("plain");
    assertEquals(dir.toAbsolutePath(), plain.workingDirectory(), "default: the file's folder");
    assertEquals(Map.of(), plain.env());
    assertNull(plain.fullTraining());
  }

  @Test
  void jsonIsReadToo() throws Exception {
    Path file = write("{\"commands\": {\"a\": {\"argv\": [\"/bin/true\"]}}}");

    assertEquals(Set.of("a"), CommandWorkloads.load(Optional.of(file)).names());
  }

  @Test
  void noFileMeansNoCommandWorkloads() {
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () -> CommandWorkloads.load(Optional.empty()).named("resnet50"));

    assertEquals(
        "command workload 'resnet50' is not configured on this worker: it has no"
            + " commands file (WATTSWEEP_COMMANDS_FILE is unset)",
        e.getMessage());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '"',
      textBlock =
          """
      bad name         | {commands: {Bad_Name: {argv: [/bin/true]}}} | commands.Bad_Name must name a command workload by a name of 1-64 characters of a-z, 0-9, '.', '_' and '-', starting with a letter or digit (a sweep never carries a command line): 'Bad_Name'
      argv as string   | {commands: {a: {argv: 'sh -c id'}}} | commands.a.argv must be a non-empty list of strings, the program first (no shell): "sh -c id"
      argv empty       | {commands: {a: {argv: []}}} | commands.a.argv must be a non-empty list of strings, the program first (no shell): []
      argv number      | {commands: {a: {argv: [/bin/true, 3]}}} | commands.a.argv[1] must be a string: 3
      no such program  | {commands: {a: {argv: [/nonexistent/python]}}} | commands.a.argv[0] is not an executable file: '/nonexistent/python' (/nonexistent/python)
      not on PATH      | {commands: {a: {argv: [no-such-program-x]}}} | commands.a.argv[0] is not an executable on the worker's PATH: 'no-such-program-x'
      unknown field    | {commands: {a: {argv: [/bin/true], shell: true}}} | commands.a has an unknown field 'shell'; known: argv, workingDirectory, env, framework, fullTraining
      reserved env     | {commands: {a: {argv: [/bin/true], env: {WATTSWEEP_PRECISION: bf16}}}} | commands.a.env.WATTSWEEP_PRECISION is set by wattsweep for each job and cannot be configured
      bad env name     | {commands: {a: {argv: [/bin/true], env: {'A B': x}}}} | commands.a.env has a name that is not a variable name: 'A B'
      env as list      | {commands: {a: {argv: [/bin/true], env: [x]}}} | commands.a.env must map variable names to values: ["x"]
      missing dir      | {commands: {a: {argv: [/bin/true], workingDirectory: nowhere}}} | commands.a.workingDirectory is not a directory: 'nowhere'
      epochs zero      | {commands: {a: {argv: [/bin/true], fullTraining: {datasetSize: 10, epochs: 0}}}} | commands.a.fullTraining.epochs must be >= 1: 0
      training fields  | {commands: {a: {argv: [/bin/true], fullTraining: {samples: 10}}}} | commands.a.fullTraining has an unknown field 'samples'; known: datasetSize, epochs
      no commands      | {commands: {}} | commands must map at least one workload name to its definition: {}
      unknown key      | {commands: {a: {argv: [/bin/true]}}, shell: /bin/sh} | has an unknown key 'shell'; known: [commands]
      not a map        | [a] | must be a map with the key 'commands': ["a"]
      """)
  void badEntriesAreRefusedNamingTheFileTheEntryAndTheField(
      String what, String yaml, String message) throws Exception {
    Path file = write(yaml);

    var e =
        assertThrows(
            IllegalArgumentException.class, () -> CommandWorkloads.load(Optional.of(file)), what);

    String expected = "commands file " + file.toAbsolutePath() + ": " + message;
    assertEquals(
        expected,
        e.getMessage().substring(0, Math.min(e.getMessage().length(), expected.length())),
        e.getMessage());
  }

  @Test
  void unreadableOrMalformedFilesAreRefusedNamingTheFile() throws Exception {
    Path missing = dir.resolve("missing.yaml");
    Path malformed = write("commands: [a\n");

    var gone =
        assertThrows(
            IllegalArgumentException.class, () -> CommandWorkloads.load(Optional.of(missing)));
    var broken =
        assertThrows(
            IllegalArgumentException.class, () -> CommandWorkloads.load(Optional.of(malformed)));

    assertEquals(
        "commands file "
            + missing
            + ": cannot be read:"
            + " java.nio.file.NoSuchFileException: "
            + missing,
        gone.getMessage());
    assertEquals(
        0,
        broken.getMessage().indexOf("commands file " + malformed + ": is not valid YAML or JSON: "),
        broken.getMessage());
  }
}
