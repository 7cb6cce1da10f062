package io.wattsweep.coordinator.cli;

import io.wattsweep.common.install.Installation;
import io.wattsweep.coordinator.catalog.SweepView;
import io.wattsweep.coordinator.dashboard.LiveStatus;
import io.wattsweep.coordinator.report.SweepReport;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLException;

/**
 * The {@code wattsweep} commands that talk to a coordinator: {@code submit FILE [--wait]}, {@code
 * status [SWEEP_ID]} and {@code demo}, and {@code token} to make its tokens. {@code --url} (or
 * WATTSWEEP_URL) names the coordinator, http://127.0.0.1:8080 by default; {@link ApiConnection}
 * says how it is reached (https, WATTSWEEP_CA_FILE, WATTSWEEP_TOKEN).
 */
public final class Cli {
  static final String USAGE =
      """
      usage: wattsweep COMMAND [ARGS]
        help                         this list
        demo                         start a local broker, coordinator and worker; run a demo sweep
        coordinator [--insecure]     run the coordinator (settings from WATTSWEEP_* variables);
                                     --insecure: listen beyond 127.0.0.1 without tokens
        worker                       run a worker (settings from WATTSWEEP_* variables)
        kafka [--port N] [--data D]  run a local single-node Kafka broker
        meter [--gpus LIST] -- CMD   meter any command: energy, time, power (per step with markers)
        models                       the models, their parameters and FLOPs per step
        submit FILE [--wait]         submit a sweep (YAML or JSON); --wait prints its results
        status [SWEEP_ID]            list sweeps, or show one sweep's results
        report --sweep ID --out DIR  write a sweep's charts (SVG, PNG), results.csv and report.html
        runs [FILTERS] [--format table|csv|json]   list runs (filters: --sweep --model
                                     --gpu-class --precision --batch-size --gpus --state
                                     --metadata KEY=VALUE, repeatable)
        best MODEL [--by energy|time] [FILTERS]    the config that trains MODEL on least energy/time
        pareto MODEL [FILTERS]       configs no other beats on both full-training energy and time
        compare RUN_ID...            runs side by side
        power RUN_ID [--points N] [--format table|csv|json]   a run's power over time in at
                                     most N buckets (mean, min, max; 20 in the table, 500 else)
        versions MODEL [--metadata KEY=VALUE]... [--format table|json]   MODEL's versions:
                                     aliases, run, provenance, trained generator (artifact URI,
                                     SHA-256, size); --metadata keeps those whose sweep had it
        alias MODEL ALIAS VERSION    name a version (e.g. production); again to move it
        alias MODEL ALIAS --delete   remove the alias
        token new ROLE IDENTITY      a random token for the API (role read, submit or admin) and
                                     its line for the coordinator's WATTSWEEP_TOKENS_FILE
        token hash                   the tokens-file hash (sha256:HEX) of the token on stdin
      options: --url URL             the coordinator (default $WATTSWEEP_URL or http://127.0.0.1:8080)
      environment: WATTSWEEP_TOKEN   the token sent to the coordinator (Authorization: Bearer)
                   WATTSWEEP_CA_FILE the CA certificates (PEM) to trust for an https:// URL
      """;

  private Cli() {}

  public static void main(String[] args) throws Exception {
    System.exit(run(args, System.out, System.err));
  }

  public static int run(String[] argv, PrintStream out, PrintStream err) throws Exception {
    return run(argv, System.getenv(), out, err);
  }

  /** Runs one command; {@code env} stands for the process's environment. */
  public static int run(String[] argv, Map<String, String> env, PrintStream out, PrintStream err)
      throws Exception {
    List<String> args = new ArrayList<>(List.of(argv));
    String url = option(args, "--url", env.getOrDefault("WATTSWEEP_URL", "http://127.0.0.1:8080"));
    boolean wait = args.remove("--wait");
    if (args.isEmpty()) {
      err.print(USAGE);
      return 2;
    }
    String command = args.remove(0);
    try {
      switch (command) {
        case "help":
          out.print(USAGE);
          return 0;
        case "demo":
          return Demo.run(Installation.current(), out);
        case "token":
          return TokenCommand.run(args, System.in, out, err);
        case "submit":
          {
            if (args.size() != 1) {
              err.print(USAGE);
              return 2;
            }
            var connection = ApiConnection.fromEnv(url, env);
            return submit(
                new ApiClient(connection),
                new LiveStatusClient(connection),
                Path.of(args.get(0)),
                wait,
                out);
          }
        case "status":
          var api = new ApiClient(ApiConnection.fromEnv(url, env));
          if (args.isEmpty()) {
            out.println(Printable.text(api.sweeps().toPrettyString()));
          } else {
            out.print(Printable.text(ResultTable.render(api.sweep(args.get(0)))));
          }
          return 0;
        case "runs":
        case "best":
        case "pareto":
        case "compare":
        case "versions":
        case "alias":
        case "power":
          return QueryCommands.run(
              command, args, new ApiClient(ApiConnection.fromEnv(url, env)), out, err);
        case "report":
          {
            String id = option(args, "--sweep", null);
            String dir = option(args, "--out", null);
            if (id == null || dir == null || !args.isEmpty()) {
              err.print(USAGE);
              return 2;
            }
            var client = new ApiClient(ApiConnection.fromEnv(url, env));
            SweepView sweep = client.sweep(id);
            for (Path f : SweepReport.write(sweep, client.powerTraces(sweep), Path.of(dir))) {
              out.println(f);
            }
            return 0;
          }
        default:
          err.println(Printable.text("unknown command: '" + command + "'"));
          err.print(USAGE);
          return 2;
      }
    } catch (IllegalArgumentException e) {
      err.println(Printable.text("wattsweep " + command + ": " + e.getMessage()));
      return 2;
    } catch (SSLException e) {
      err.println(
          Printable.text(
              "wattsweep "
                  + command
                  + ": TLS with "
                  + url
                  + " failed: "
                  + e.getMessage()
                  + " (WATTSWEEP_CA_FILE names the CA that signed the coordinator's"
                  + " certificate)"));
      return 1;
    } catch (java.net.ConnectException e) {
      err.println(
          "wattsweep "
              + command
              + ": no coordinator answers at "
              + url
              + " (start one with ./wattsweep coordinator, or pass --url)");
      return 1;
    } catch (IOException e) {
      err.println(
          Printable.text(
              "wattsweep "
                  + command
                  + ": "
                  + (e.getMessage() == null ? e.toString() : e.getMessage())));
      return 1;
    }
  }

  private static int submit(
      ApiClient api, LiveStatusClient live, Path file, boolean wait, PrintStream out)
      throws IOException, InterruptedException {
    String name = file.getFileName().toString();
    boolean yaml = !name.endsWith(".json");
    String sweepId = api.submit(Files.readString(file), yaml);
    out.println("Submitted sweep " + sweepId);
    if (!wait) {
      return 0;
    }
    out.println("Watch it live at " + dashboard(live.base()));
    SweepView done = waitFor(api, live, sweepId, Duration.ofHours(24), out);
    out.print(Printable.text(ResultTable.render(done)));
    return done.jobCounts().getOrDefault("FAILED", 0) == 0 ? 0 : 1;
  }

  /**
   * Polls until every job of the sweep is finished, showing its progress bar: redrawn in place
   * every second on a terminal, else a new line whenever jobs or batches move on.
   */
  static SweepView waitFor(
      ApiClient api, LiveStatusClient live, String sweepId, Duration timeout, PrintStream out)
      throws IOException, InterruptedException {
    boolean terminal = out == System.out && System.console() != null;
    long deadline = System.nanoTime() + timeout.toNanos();
    String last = "";
    while (true) {
      SweepView s = api.sweep(sweepId);
      Optional<LiveStatus> now = s.finished() ? Optional.empty() : live.fetch(sweepId);
      if (terminal) {
        out.print("\r" + Printable.cell(Progress.line(s, now)) + "\033[K");
        if (s.finished()) {
          out.println();
        }
        out.flush();
      } else {
        String key = Progress.key(s, now);
        if (!key.equals(last)) {
          out.println(Printable.text(Progress.line(s, now)));
          last = key;
        }
      }
      if (s.finished()) {
        return s;
      }
      if (System.nanoTime() > deadline) {
        throw new IOException("sweep " + sweepId + " not finished after " + timeout);
      }
      Thread.sleep(1000);
    }
  }

  /** The dashboard's address on the coordinator at {@code base}. */
  static String dashboard(String base) {
    return (base.endsWith("/") ? base : base + "/") + "dashboard/";
  }

  private static String option(List<String> args, String name, String dflt) {
    int i = args.indexOf(name);
    if (i < 0 || i + 1 >= args.size()) {
      return dflt;
    }
    args.remove(i);
    return args.remove(i);
  }
}
