package dev.llmfleet.e2e.secrets;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP forwarder on a fixed local port in front of the cluster's Vault, so a test can make Vault
 * unreachable for the operator (connection refused) and bring it back on the same address, while
 * the dev server keeps its data.
 */
final class TcpProxy implements AutoCloseable {

  private final int port;
  private final InetSocketAddress target;
  private final List<Socket> open = new CopyOnWriteArrayList<>();
  private ServerSocket server;

  TcpProxy(InetSocketAddress target) throws IOException {
    this.target = target;
    try (ServerSocket probe = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      this.port = probe.getLocalPort();
    }
    start();
  }

  int port() {
    return port;
  }

  synchronized void start() throws IOException {
    ServerSocket socket = new ServerSocket();
    socket.setReuseAddress(true);
    socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    server = socket;
    Thread accept = new Thread(() -> accept(socket), "vault-proxy-" + port);
    accept.setDaemon(true);
    accept.start();
  }

  /** Refuses new connections and cuts the open ones. */
  synchronized void stop() throws IOException {
    if (server != null) {
      server.close();
      server = null;
    }
    for (Socket socket : open) {
      socket.close();
    }
    open.clear();
  }

  private void accept(ServerSocket socket) {
    while (!socket.isClosed()) {
      try {
        Socket client = socket.accept();
        Socket upstream = new Socket(target.getAddress(), target.getPort());
        open.add(client);
        open.add(upstream);
        pipe(client, upstream);
        pipe(upstream, client);
      } catch (IOException e) {
        // closed by stop(), or Vault itself refused: the client sees its connection drop
      }
    }
  }

  private static void pipe(Socket from, Socket to) {
    Thread thread =
        new Thread(
            () -> {
              try (InputStream in = from.getInputStream();
                  OutputStream out = to.getOutputStream()) {
                in.transferTo(out);
              } catch (IOException e) {
                // either side went away
              } finally {
                try {
                  to.close();
                  from.close();
                } catch (IOException ignored) {
                  // already closed
                }
              }
            },
            "vault-proxy-pipe");
    thread.setDaemon(true);
    thread.start();
  }

  @Override
  public void close() throws IOException {
    stop();
  }
}
