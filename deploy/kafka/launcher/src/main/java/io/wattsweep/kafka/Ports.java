package io.wattsweep.kafka;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;

/** Loopback ports: which are free, and whether something answers on one. */
final class Ports {
  private Ports() {}

  /**
   * Picks the broker port ({@code wantedPort}, or any free port when 0) and a free controller port,
   * holding both at once so that the two cannot come out equal.
   *
   * @return the broker port, then the controller port
   * @throws IllegalStateException when {@code wantedPort} is in use
   */
  static int[] pick(int wantedPort) {
    try (ServerSocket broker = bind(wantedPort);
        ServerSocket controller = bind(0)) {
      return new int[] {broker.getLocalPort(), controller.getLocalPort()};
    } catch (IOException e) {
      if (wantedPort != 0 && !isFree(wantedPort)) {
        throw new IllegalStateException(
            "port "
                + wantedPort
                + " on "
                + LocalBroker.HOST
                + " is in use: stop what holds it, or ask for port 0 (any free port)",
            e);
      }
      throw new UncheckedIOException("cannot find free ports on " + LocalBroker.HOST, e);
    }
  }

  /** Whether a server could listen on {@code port} now, as the broker will (SO_REUSEADDR). */
  static boolean isFree(int port) {
    try (ServerSocket ignored = bind(port)) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** Whether something accepts a TCP connection on {@code port} within {@code timeout}. */
  static boolean accepts(int port, Duration timeout) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(loopback(), port), (int) timeout.toMillis());
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static ServerSocket bind(int port) throws IOException {
    ServerSocket socket = new ServerSocket();
    try {
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(loopback(), port));
      return socket;
    } catch (IOException e) {
      socket.close();
      throw e;
    }
  }

  private static InetAddress loopback() throws IOException {
    return InetAddress.getByName(LocalBroker.HOST);
  }
}
