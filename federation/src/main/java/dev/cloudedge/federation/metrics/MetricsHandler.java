package dev.cloudedge.federation.metrics;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/** Serves {@code GET /metrics} (Prometheus text) on the admin listener; 404 elsewhere, 405 for other methods. */
public final class MetricsHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
  private final PrometheusTextReader reader;

  public MetricsHandler(PrometheusTextReader reader) {
    this.reader = Objects.requireNonNull(reader, "reader");
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
    String uri = req.uri();
    int q = uri.indexOf('?');
    String path = q >= 0 ? uri.substring(0, q) : uri;
    FullHttpResponse r;
    if (!path.equals("/metrics")) {
      r = response(HttpResponseStatus.NOT_FOUND, "text/plain; charset=utf-8", "404 page not found\n");
    } else if (!HttpMethod.GET.equals(req.method()) && !HttpMethod.HEAD.equals(req.method())) {
      r = response(HttpResponseStatus.METHOD_NOT_ALLOWED, "text/plain; charset=utf-8", "method not allowed\n");
    } else {
      // Collection is in-memory aggregation, no I/O, so it is fine on the event loop.
      r = response(HttpResponseStatus.OK, PrometheusTextReader.CONTENT_TYPE, reader.scrape());
    }
    boolean keepAlive = HttpUtil.isKeepAlive(req);
    HttpUtil.setKeepAlive(r, keepAlive);
    if (keepAlive) {
      ctx.writeAndFlush(r);
    } else {
      ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
    }
  }

  private static FullHttpResponse response(HttpResponseStatus status, String type, String body) {
    ByteBuf buf = Unpooled.copiedBuffer(body, StandardCharsets.UTF_8);
    FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, buf);
    r.headers().set(HttpHeaderNames.CONTENT_TYPE, type);
    r.headers().set(HttpHeaderNames.CONTENT_LENGTH, buf.readableBytes());
    return r;
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }
}
