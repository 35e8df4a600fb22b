package io.mtasts.operator.serve;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The policy server's HTTP/1.1 listener, on Netty (chosen by measurement, see
 * docs/performance.md). Netty parses the protocol; this class only sets its limits and hands
 * each complete request to {@link Routes}.
 *
 * <p>Connections are non-blocking, so a slow client holds a connection, never a thread; every
 * connection must deliver a complete request within {@link HttpSettings#requestTimeout()} of its
 * opening or of the previous answer, and the number of connections is bounded.
 */
public final class PolicyHttpServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(PolicyHttpServer.class);

  private final EventLoopGroup acceptor;
  private final EventLoopGroup workers;
  private final Channel listener;
  private final Routes routes;
  private final HttpSettings settings;
  private final MeterRegistry registry;
  private final Map<Integer, Counter> answered = new ConcurrentHashMap<>();
  private final AtomicInteger open = new AtomicInteger();

  private PolicyHttpServer(HttpSettings settings, Routes routes, MeterRegistry registry)
      throws InterruptedException {
    this.settings = settings;
    this.routes = routes;
    this.registry = registry;
    acceptor = new NioEventLoopGroup(1);
    workers = new NioEventLoopGroup(settings.threads());
    try {
      listener = new ServerBootstrap()
          .group(acceptor, workers)
          .channel(NioServerSocketChannel.class)
          .option(ChannelOption.SO_BACKLOG, 1024)
          .childOption(ChannelOption.TCP_NODELAY, true)
          .childHandler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
              initConnection(ch);
            }
          })
          .bind(new InetSocketAddress(settings.address(), settings.port()))
          .sync()
          .channel();
    } catch (RuntimeException | InterruptedException e) {
      acceptor.shutdownGracefully(0, 0, TimeUnit.SECONDS);
      workers.shutdownGracefully(0, 0, TimeUnit.SECONDS);
      throw e;
    }
  }

  /** Binds the listener; fails when the address cannot be bound. */
  public static PolicyHttpServer start(HttpSettings settings, Routes routes,
      MeterRegistry registry) throws InterruptedException {
    return new PolicyHttpServer(settings, routes, registry);
  }

  public int port() {
    return ((InetSocketAddress) listener.localAddress()).getPort();
  }

  /** Whether the listener and its event loops are running. */
  public boolean isRunning() {
    return listener.isActive() && !workers.isShuttingDown();
  }

  private void initConnection(SocketChannel ch) {
    if (open.incrementAndGet() > settings.maxConnections()) {
      open.decrementAndGet();
      ch.close();
      return;
    }
    ch.closeFuture().addListener(f -> open.decrementAndGet());
    ch.pipeline().addLast(
        new HttpServerCodec(settings.maxRequestLine(), settings.maxHeaderBytes(), 8192),
        new HttpServerKeepAliveHandler(),
        new BoundedBody(settings.maxBodyBytes()),
        new RequestHandler());
  }

  /**
   * Collects a body up to the limit, and answers a larger one with a 413 that says the limit
   * (Netty's own answer has no body), then closes the connection, as the rest is not read.
   */
  private final class BoundedBody extends HttpObjectAggregator {
    BoundedBody(int max) {
      super(max, true);
    }

    @Override
    protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
      Reply reply = Reply.text(413, "request body larger than " + settings.maxBodyBytes()
          + " bytes");
      count(reply.status());
      FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
          HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, Unpooled.wrappedBuffer(reply.body()));
      response.headers()
          .set(HttpHeaderNames.CONTENT_TYPE, reply.contentType())
          .setInt(HttpHeaderNames.CONTENT_LENGTH, reply.body().length)
          .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
      ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }
  }

  private void count(int status) {
    answered.computeIfAbsent(status, s -> Counter.builder("mtasts.serve.requests")
        .description("HTTP requests answered by the policy server, by status code")
        .tag("code", Integer.toString(s))
        .register(registry)).increment();
  }

  /** Answers complete requests and closes connections that do not deliver one in time. */
  private final class RequestHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

    private ScheduledFuture<?> deadline;

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
      awaitRequest(ctx);
      super.channelActive(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
      cancelDeadline();
      super.channelInactive(ctx);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
      cancelDeadline();
      if (request.decoderResult().isFailure()) {
        refuse(ctx, request.decoderResult().cause());
        return;
      }
      List<String> hosts = request.headers().getAll(HttpHeaderNames.HOST);
      CompletableFuture<Reply> reply;
      if (hosts.size() > 1) {
        reply = CompletableFuture.completedFuture(Reply.text(400, "more than one Host header"));
      } else {
        reply = routes.respond(new Request(
            request.method().name(),
            new QueryStringDecoder(request.uri()).path(),
            hosts.isEmpty() ? null : hosts.get(0),
            request.headers().get(HttpHeaderNames.CONTENT_TYPE),
            ByteBufUtil.getBytes(request.content()),
            clientAddress(ctx))).toCompletableFuture();
      }
      boolean head = HttpMethod.HEAD.equals(request.method());
      boolean keepAlive = HttpUtil.isKeepAlive(request);
      if (reply.isDone()) {
        send(ctx, reply.join(), head, keepAlive);
        return;
      }
      // an answer that waits (a report being stored): no further request of this connection is
      // read meanwhile, so answers keep the order of the requests
      ctx.channel().config().setAutoRead(false);
      reply.whenComplete((answer, failure) -> ctx.executor().execute(() -> {
        ctx.channel().config().setAutoRead(true);
        send(ctx, failure == null ? answer : Reply.text(500, "internal error"), head, keepAlive);
      }));
    }

    private void send(ChannelHandlerContext ctx, Reply reply, boolean head, boolean keepAlive) {
      FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
          HttpResponseStatus.valueOf(reply.status()),
          head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(reply.body()));
      response.headers()
          .set(HttpHeaderNames.CONTENT_TYPE, reply.contentType())
          .setInt(HttpHeaderNames.CONTENT_LENGTH, reply.body().length);
      reply.headers().forEach(response.headers()::set);
      HttpUtil.setKeepAlive(response, keepAlive);
      count(reply.status());
      ctx.writeAndFlush(response);
      if (!ctx.channel().isWritable()) {
        // a client that sends requests but reads no answers gets no more read from it, and the
        // request deadline closes it
        ctx.channel().config().setAutoRead(false);
      }
      awaitRequest(ctx);
    }

    private static String clientAddress(ChannelHandlerContext ctx) {
      return ctx.channel().remoteAddress() instanceof InetSocketAddress peer
          && peer.getAddress() != null ? peer.getAddress().getHostAddress() : null;
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
      if (ctx.channel().isWritable()) {
        ctx.channel().config().setAutoRead(true);
      }
      super.channelWritabilityChanged(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      LOG.debug("connection from {} failed", ctx.channel().remoteAddress(), cause);
      ctx.close();
    }

    private void refuse(ChannelHandlerContext ctx, Throwable cause) {
      Reply reply;
      if (cause instanceof TooLongHttpLineException) {
        reply = Reply.text(414, "request line longer than " + settings.maxRequestLine()
            + " bytes");
      } else if (cause instanceof TooLongHttpHeaderException) {
        reply = Reply.text(431, "request headers larger than " + settings.maxHeaderBytes()
            + " bytes");
      } else if (cause instanceof TooLongFrameException) {
        reply = Reply.text(431, "request too large");
      } else {
        reply = Reply.text(400, "malformed request");
      }
      count(reply.status());
      FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
          HttpResponseStatus.valueOf(reply.status()), Unpooled.wrappedBuffer(reply.body()));
      response.headers()
          .set(HttpHeaderNames.CONTENT_TYPE, reply.contentType())
          .setInt(HttpHeaderNames.CONTENT_LENGTH, reply.body().length)
          .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
      // the decoder discards the rest of the connection's input after a failure: close it
      ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }

    private void awaitRequest(ChannelHandlerContext ctx) {
      cancelDeadline();
      deadline = ctx.executor().schedule(() -> {
        ctx.close();
      }, settings.requestTimeout().toMillis(), TimeUnit.MILLISECONDS);
    }

    private void cancelDeadline() {
      if (deadline != null) {
        deadline.cancel(false);
        deadline = null;
      }
    }
  }

  /**
   * Stops accepting connections, lets requests in progress finish for up to {@code grace}, then
   * closes the rest.
   */
  public void close(java.time.Duration grace) {
    listener.close().awaitUninterruptibly();
    long quiet = Math.min(grace.toMillis(), 500);
    Future<?> w = workers.shutdownGracefully(quiet, grace.toMillis(), TimeUnit.MILLISECONDS);
    Future<?> a = acceptor.shutdownGracefully(0, grace.toMillis(), TimeUnit.MILLISECONDS);
    w.awaitUninterruptibly();
    a.awaitUninterruptibly();
  }

  @Override
  public void close() {
    close(java.time.Duration.ofSeconds(5));
  }
}
