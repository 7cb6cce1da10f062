package io.wattsweep.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vertx.core.Vertx;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Without tokens the API stays on loopback; leaving it takes --insecure, said loudly. */
class ListenAddressTest {

  @Test
  void withoutTokensTheApiAnswersOnLoopbackOnly() throws Exception {
    TestStack stack = TestStack.get();
    assertEquals(
        "127.0.0.1", CoordinatorConfig.fromEnv(stack.coordinatorEnv(), List.of()).api().host());
    assertEquals(200, stack.get("/health").statusCode());

    InetAddress other = nonLoopbackAddress();
    assumeTrue(other != null, "this machine has no non-loopback IPv4 address to try");
    try (Socket socket = new Socket()) {
      assertThrows(
          IOException.class,
          () -> socket.connect(new InetSocketAddress(other, stack.port), 2000),
          "the API answers on " + other.getHostAddress());
    }
  }

  @Test
  void anotherInterfaceWithoutTokensNeedsInsecure() throws Exception {
    var env = new HashMap<>(TestStack.get().coordinatorEnv());
    env.put("WATTSWEEP_HTTP_HOST", "0.0.0.0");

    var e =
        assertThrows(
            IllegalArgumentException.class, () -> CoordinatorConfig.fromEnv(env, List.of()));

    assertTrue(
        e.getMessage()
            .startsWith(
                "WATTSWEEP_HTTP_HOST=0.0.0.0 without"
                    + " WATTSWEEP_TOKENS_FILE needs --insecure (or WATTSWEEP_INSECURE=true)"),
        e.getMessage());
    assertEquals(
        "unknown coordinator argument '--insecur'; known: --insecure",
        assertThrows(
                IllegalArgumentException.class,
                () -> CoordinatorConfig.fromEnv(env, List.of("--insecur")))
            .getMessage());
  }

  @Test
  void insecureListensOnEveryInterfaceAndWarnsAtStartUp() throws Exception {
    TestStack stack = TestStack.get();
    InetAddress other = nonLoopbackAddress();
    assumeTrue(other != null, "this machine has no non-loopback IPv4 address to try");
    var config = CoordinatorConfig.fromEnv(stack.coordinatorEnv(), List.of("--insecure"));
    assertEquals("0.0.0.0", config.api().host());

    Vertx vertx = Vertx.vertx();
    var log = new ByteArrayOutputStream();
    PrintStream stderr = System.err;
    try {
      var verticle = new CoordinatorVerticle(config, stack.catalog, Clock.systemUTC());
      System.setErr(new PrintStream(new Tee(stderr, log), true, StandardCharsets.UTF_8));
      try {
        vertx.deployVerticle(verticle).await();
      } finally {
        System.setErr(stderr);
      }
      HttpResponse<String> res =
          stack.http.send(
              HttpRequest.newBuilder(
                      URI.create(
                          "http://"
                              + other.getHostAddress()
                              + ":"
                              + verticle.httpPort()
                              + "/api/v1/sweeps"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(200, res.statusCode(), res.body());
    } finally {
      vertx.close().await();
    }
    String warned = log.toString(StandardCharsets.UTF_8);
    assertTrue(
        warned.contains(
            "WARN io.wattsweep.coordinator.CoordinatorVerticle - INSECURE: the"
                + " API listens on 0.0.0.0 WITHOUT TOKENS"),
        warned);
  }

  private static InetAddress nonLoopbackAddress() throws SocketException {
    for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
      if (nic.isUp() && !nic.isLoopback()) {
        for (InetAddress a : Collections.list(nic.getInetAddresses())) {
          if (a instanceof Inet4Address) {
            return a;
          }
        }
      }
    }
    return null;
  }

  /** Writes to the console as before and to a buffer the test reads. */
  private static final class Tee extends OutputStream {
    private final OutputStream a;
    private final OutputStream b;

    Tee(OutputStream a, OutputStream b) {
      this.a = a;
      this.b = b;
    }

    @Override
    public void write(int c) throws IOException {
      a.write(c);
      b.write(c);
    }

    @Override
    public void write(byte[] buf, int off, int len) throws IOException {
      a.write(buf, off, len);
      b.write(buf, off, len);
    }
  }
}
