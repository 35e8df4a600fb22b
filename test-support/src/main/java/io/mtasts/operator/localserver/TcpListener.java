package io.mtasts.operator.localserver;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Accepts TCP connections on a bound socket and serves each on its own daemon thread, so that a
 * stalled or deliberately slow connection never holds up the others, and closing ends them all.
 */
final class TcpListener implements AutoCloseable {
  /** Serves one accepted connection; the listener closes the socket afterwards. */
  interface ConnectionHandler {
    void serve(Socket socket) throws IOException;
  }

  /** How long a server waits for a client that has gone quiet before giving the thread up. */
  static final Duration IDLE_TIMEOUT = Duration.ofSeconds(30);

  // Every blocking call a connection makes ends when its socket closes, so this is ample.
  static final Duration SHUTDOWN_WAIT = Duration.ofSeconds(1);

  private static final Logger LOG = LoggerFactory.getLogger(TcpListener.class);

  private final String name;
  private final ServerSocket serverSocket;
  private final ConnectionHandler handler;
  private final ExecutorService connections;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final CountDownLatch closed = new CountDownLatch(1);
  private final AtomicInteger accepted = new AtomicInteger();
  private final Set<Thread> threads = ConcurrentHashMap.newKeySet();
  private volatile Thread acceptor;

  private TcpListener(String name, ServerSocket serverSocket, ConnectionHandler handler) {
    this.name = name;
    this.serverSocket = serverSocket;
    this.handler = handler;
    ThreadFactory factory = daemonThreads(name);
    this.connections =
        Executors.newCachedThreadPool(
            runnable -> {
              Thread thread = factory.newThread(runnable);
              threads.add(thread);
              return thread;
            });
  }

  /** Starts accepting on an already bound socket, which the listener then owns. */
  static TcpListener start(String name, ServerSocket serverSocket, ConnectionHandler handler) {
    TcpListener listener = new TcpListener(name, serverSocket, handler);
    listener.acceptor = daemonThreads(name + "-accept").newThread(listener::acceptLoop);
    listener.acceptor.start();
    return listener;
  }

  /** A server socket on an ephemeral port of 127.0.0.1. */
  static ServerSocket bindLoopback(int port) throws IOException {
    ServerSocket socket = new ServerSocket();
    try {
      socket.bind(new InetSocketAddress(loopback(), port), 50);
      return socket;
    } catch (IOException e) {
      socket.close();
      throw e;
    }
  }

  /** 127.0.0.1 itself, never ::1, whatever the JVM prefers. */
  static InetAddress loopback() {
    try {
      return InetAddress.getByAddress("localhost", new byte[] {127, 0, 0, 1});
    } catch (UnknownHostException e) {
      throw new IllegalStateException("a four-byte address is always valid", e);
    }
  }

  static ThreadFactory daemonThreads(String prefix) {
    AtomicInteger counter = new AtomicInteger();
    return runnable -> {
      Thread thread = new Thread(runnable, prefix + "-" + counter.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }

  int port() {
    return serverSocket.getLocalPort();
  }

  int acceptedConnections() {
    return accepted.get();
  }

  boolean isClosed() {
    return closed.getCount() == 0;
  }

  /**
   * Waits until the listener is closed or the time is up; returns whether it was closed. This is
   * how deliberate stalls and delays end promptly when a test finishes.
   */
  boolean awaitClose(Duration timeout) {
    try {
      return closed.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return true;
    }
  }

  /** Blocks the calling connection until the listener closes, for "never answer" behaviour. */
  void stallUntilClosed() {
    while (!awaitClose(Duration.ofDays(1))) {
      // keep waiting: a stall lasts as long as the server
    }
  }

  private void acceptLoop() {
    while (!isClosed()) {
      Socket socket;
      try {
        socket = serverSocket.accept();
      } catch (IOException e) {
        if (!isClosed()) {
          LOG.debug("{}: accept failed", name, e);
        }
        return;
      }
      accepted.incrementAndGet();
      open.add(socket);
      if (isClosed()) {
        // close() may have swept the open sockets just before this one was added
        closeQuietly(socket);
        return;
      }
      try {
        connections.execute(() -> serve(socket));
      } catch (RuntimeException e) {
        // the pool refuses work only after close()
        closeQuietly(socket);
      }
    }
  }

  private void serve(Socket socket) {
    try (socket) {
      socket.setSoTimeout((int) IDLE_TIMEOUT.toMillis());
      handler.serve(socket);
    } catch (IOException | RuntimeException e) {
      if (!isClosed()) {
        LOG.debug(
            "{}: connection from {} ended: {}",
            name,
            socket.getRemoteSocketAddress(),
            e.toString());
      }
    } finally {
      open.remove(socket);
    }
  }

  /**
   * Stops accepting, ends every connection (stalls included) and waits briefly for the threads to
   * finish, so that a test's servers are really gone when it ends.
   */
  @Override
  public void close() {
    closed.countDown();
    closeQuietly(serverSocket);
    for (Socket socket : open) {
      closeQuietly(socket);
    }
    connections.shutdownNow();
    try {
      connections.awaitTermination(SHUTDOWN_WAIT.toMillis(), TimeUnit.MILLISECONDS);
      acceptor.join(SHUTDOWN_WAIT.toMillis());
      // a pool reports termination while its last worker is still leaving run()
      for (Thread thread : threads) {
        thread.join(SHUTDOWN_WAIT.toMillis());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  static void closeQuietly(AutoCloseable closeable) {
    try {
      closeable.close();
    } catch (Exception e) {
      // nothing left to do with a socket that cannot even be closed
    }
  }
}
