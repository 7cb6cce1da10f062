package io.wattsweep.systemtest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wattsweep.common.json.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A headless Chromium (the Debian package) driven over the DevTools protocol: a page with an open
 * event stream never finishes loading in the eyes of {@code --dump-dom} or {@code
 * --virtual-time-budget}, so the test evaluates JavaScript in the live page and takes its
 * screenshot whenever it chooses.
 */
final class HeadlessChromium implements AutoCloseable {
  private static final Pattern DEVTOOLS = Pattern.compile("DevTools listening on (ws://\\S+)");

  private final Process process;
  private final Path profile;
  private final WebSocket socket;
  private final AtomicInteger ids = new AtomicInteger();
  private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
  private final List<String> stderr = new ArrayList<>();

  private HeadlessChromium(Process process, Path profile, WebSocket socket) {
    this.process = process;
    this.profile = profile;
    this.socket = socket;
  }

  /** The browser binary, or null where the Debian package is not installed. */
  static Path binary() {
    for (String name : List.of("chromium", "chromium-browser")) {
      for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
        Path p = Path.of(dir, name);
        if (Files.isExecutable(p)) {
          return p;
        }
      }
    }
    return null;
  }

  /** Starts the browser on {@code url}, {@code width} x {@code height} pixels. */
  static HeadlessChromium open(Path binary, String url, int width, int height) throws Exception {
    Path profile = Files.createTempDirectory("wattsweep-chromium");
    Process p =
        new ProcessBuilder(
                binary.toString(),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--user-data-dir=" + profile,
                "--remote-debugging-port=0",
                "--remote-allow-origins=*",
                "--hide-scrollbars",
                "--window-size=" + width + "," + height,
                url)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    var lines = new ArrayList<String>();
    String browserWs = null;
    var err = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8));
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (browserWs == null && System.nanoTime() < deadline) {
      String line = err.readLine();
      if (line == null) {
        break;
      }
      lines.add(line);
      Matcher m = DEVTOOLS.matcher(line);
      if (m.find()) {
        browserWs = m.group(1);
      }
    }
    if (browserWs == null) {
      p.destroyForcibly();
      throw new IllegalStateException(
          "chromium did not open its DevTools port:\n" + String.join("\n", lines));
    }
    Thread drain = new Thread(() -> err.lines().forEach(l -> {}), "chromium-stderr");
    drain.setDaemon(true);
    drain.start();
    URI browser = URI.create(browserWs);
    var http = HttpClient.newHttpClient();
    String pageWs = null;
    while (pageWs == null && System.nanoTime() < deadline) {
      JsonNode targets =
          Json.MAPPER.readTree(
              http.send(
                      HttpRequest.newBuilder(
                              URI.create(
                                  "http://"
                                      + browser.getHost()
                                      + ":"
                                      + browser.getPort()
                                      + "/json/list"))
                          .build(),
                      HttpResponse.BodyHandlers.ofString())
                  .body());
      for (JsonNode t : targets) {
        if ("page".equals(t.path("type").asText())) {
          pageWs = t.path("webSocketDebuggerUrl").asText();
        }
      }
      if (pageWs == null) {
        Thread.sleep(100);
      }
    }
    var browserRef = new HeadlessChromium[1];
    WebSocket ws =
        http.newWebSocketBuilder()
            .buildAsync(
                URI.create(pageWs),
                new WebSocket.Listener() {
                  private final StringBuilder text = new StringBuilder();

                  @Override
                  public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                    text.append(data);
                    if (last) {
                      browserRef[0].received(text.toString());
                      text.setLength(0);
                    }
                    w.request(1);
                    return null;
                  }
                })
            .get(10, TimeUnit.SECONDS);
    browserRef[0] = new HeadlessChromium(p, profile, ws);
    browserRef[0].stderr.addAll(lines);
    return browserRef[0];
  }

  private void received(String message) {
    try {
      JsonNode m = Json.MAPPER.readTree(message);
      if (m.has("id")) {
        CompletableFuture<JsonNode> f = pending.remove(m.get("id").asInt());
        if (f != null) {
          f.complete(m);
        }
      }
    } catch (IOException e) {
      // not a reply
    }
  }

  /** Sends a DevTools command and returns its result. */
  JsonNode call(String method, ObjectNode params) throws Exception {
    int id = ids.incrementAndGet();
    var reply = new CompletableFuture<JsonNode>();
    pending.put(id, reply);
    ObjectNode msg = Json.MAPPER.createObjectNode().put("id", id).put("method", method);
    msg.set("params", params == null ? Json.MAPPER.createObjectNode() : params);
    socket.sendText(Json.MAPPER.writeValueAsString(msg), true).get(10, TimeUnit.SECONDS);
    JsonNode m = reply.get(30, TimeUnit.SECONDS);
    if (m.has("error")) {
      throw new IllegalStateException(method + " failed: " + m.get("error"));
    }
    return m.get("result");
  }

  /** Evaluates a JavaScript expression in the page; returns its value (as JSON). */
  JsonNode eval(String expression) throws Exception {
    ObjectNode params =
        Json.MAPPER.createObjectNode().put("expression", expression).put("returnByValue", true);
    JsonNode result = call("Runtime.evaluate", params);
    if (result.has("exceptionDetails")) {
      throw new IllegalStateException("page threw: " + result.get("exceptionDetails"));
    }
    return result.path("result").path("value");
  }

  /** A PNG of the window as it is now. */
  void screenshot(Path file) throws Exception {
    JsonNode shot =
        call("Page.captureScreenshot", Json.MAPPER.createObjectNode().put("format", "png"));
    Files.createDirectories(file.toAbsolutePath().getParent());
    Files.write(file, Base64.getDecoder().decode(shot.get("data").asText()));
  }

  @Override
  public void close() throws IOException {
    socket.abort();
    // Chromium's helpers (zygote, renderer, crashpad) write to the profile too: stop them all
    // before it is removed, or a file they create while it is walked breaks the walk.
    List<ProcessHandle> helpers = process.descendants().toList();
    process.destroy();
    helpers.forEach(ProcessHandle::destroy);
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
      for (ProcessHandle h : helpers) {
        h.onExit().get(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      helpers.forEach(ProcessHandle::destroyForcibly);
    }
    // A helper that outlived the browser (crashpad is not its child) may still add a file:
    // walk again a few times before giving up.
    for (int attempt = 1; ; attempt++) {
      try {
        deleteTree(profile);
        return;
      } catch (DirectoryNotEmptyException e) {
        if (attempt == 5) {
          throw e;
        }
        try {
          Thread.sleep(200);
        } catch (InterruptedException stop) {
          Thread.currentThread().interrupt();
          throw e;
        }
      }
    }
  }

  /** Removes a directory tree; a file that vanishes on its own meanwhile is not an error. */
  private static void deleteTree(Path root) throws IOException {
    Files.walkFileTree(
        root,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path f, BasicFileAttributes a) throws IOException {
            Files.deleteIfExists(f);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFileFailed(Path f, IOException e) throws IOException {
            if (e instanceof NoSuchFileException) {
              return FileVisitResult.CONTINUE;
            }
            throw e;
          }

          @Override
          public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
            if (e != null && !(e instanceof NoSuchFileException)) {
              throw e;
            }
            Files.deleteIfExists(d);
            return FileVisitResult.CONTINUE;
          }
        });
  }
}
