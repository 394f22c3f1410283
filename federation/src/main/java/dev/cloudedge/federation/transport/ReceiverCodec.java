package dev.cloudedge.federation.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.CombinedChannelDuplexHandler;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.List;

/**
 * The receiver's HTTP/1.1 codec: Netty's request decoder and response encoder (what {@code
 * HttpServerCodec} combines, including no body on a {@code HEAD} answer), and a request head it
 * cannot parse becomes a request whose decoder result is a {@link MalformedRequest} naming the
 * status to answer, as Go's server does before any handler runs:
 *
 * <ul>
 *   <li>{@code 400}: a request line that is not {@code METHOD SP target SP HTTP/d.d} (garbage, a
 *       missing version, a method that is not an RFC 9110 token), or headers Netty refuses. Netty
 *       alone silently skips a line with fewer than three words and waits, so the client got no
 *       answer; and it accepts any {@code NAME/d.d} version and any method text.</li>
 *   <li>{@code 505}: an {@code HTTP/d.d} version other than 1.x.</li>
 *   <li>{@code 414}: a request line over {@link #MAX_INITIAL_LINE_BYTES} (Go has no such limit of
 *       its own and answers 431 past its 1 MiB header limit).</li>
 *   <li>{@code 431}: headers over {@link #MAX_HEADER_BYTES}.</li>
 * </ul>
 *
 * After such a head the rest of the connection's input is discarded; the answer closes it.
 */
public final class ReceiverCodec extends CombinedChannelDuplexHandler<HttpRequestDecoder, HttpResponseEncoder> {
  /** The longest request line accepted (bytes, without CRLF); longer gets 414. */
  public static final int MAX_INITIAL_LINE_BYTES = 4096;
  /** The most header bytes accepted; more gets 431. */
  public static final int MAX_HEADER_BYTES = 8192;

  /** A request head that cannot be served, with the status that answers it. */
  public static final class MalformedRequest extends DecoderException {
    private static final long serialVersionUID = 1L;
    private final transient HttpResponseStatus status;

    MalformedRequest(HttpResponseStatus status, String detail, Throwable cause) {
      this(status, detail, cause, false);
    }

    /** With {@code detailInStatus}, Go's answer for the errors it types: the detail follows the reason phrase. */
    MalformedRequest(HttpResponseStatus status, String detail, Throwable cause, boolean detailInStatus) {
      super(detail, cause);
      this.status = detailInStatus ? new HttpResponseStatus(status.code(), status.reasonPhrase() + ": " + detail) : status;
    }

    /** The status to answer with. */
    public HttpResponseStatus status() {
      return status;
    }

    /**
     * Go's answer body, the status line's code and reason: {@code 400 Bad Request}, or for the
     * errors Go types {@code 505 HTTP Version Not Supported: unsupported protocol version}.
     */
    public String body() {
      return status.code() + " " + status.reasonPhrase();
    }
  }

  /** Methods of the requests not yet answered, oldest first: a HEAD answer carries no body. */
  private final ArrayDeque<HttpMethod> methods = new ArrayDeque<>();

  public ReceiverCodec() {
    init(new Decoder(), new Encoder());
  }

  private final class Decoder extends HttpRequestDecoder {
    /** The next bytes begin a request line. */
    private boolean atStart = true;
    /** A malformed head was seen: everything after it is dropped. */
    private boolean discarding;

    Decoder() {
      super(new HttpDecoderConfig().setMaxInitialLineLength(MAX_INITIAL_LINE_BYTES)
          .setMaxHeaderSize(MAX_HEADER_BYTES));
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
      if (discarding) {
        in.skipBytes(in.readableBytes());
        return;
      }
      if (atStart) {
        String line = peekRequestLine(in);
        if (line == null) {
          // Not a whole line yet: Netty waits for more, or throws TooLongHttpLineException past the limit.
          super.decode(ctx, in, out);
          markDecoded(out, 0);
          return;
        }
        MalformedRequest bad = checkRequestLine(line);
        if (bad != null) {
          in.skipBytes(in.readableBytes());
          discarding = true;
          DefaultFullHttpRequest r = new DefaultFullHttpRequest(HttpVersion.HTTP_1_0, HttpMethod.GET, "/bad-request");
          r.setDecoderResult(DecoderResult.failure(bad));
          methods.add(HttpMethod.GET);
          out.add(r);
          return;
        }
        atStart = false;
      }
      int before = out.size();
      super.decode(ctx, in, out);
      markDecoded(out, before);
    }

    /** Tracks what Netty emitted: request starts, request ends, and heads it refused. */
    private void markDecoded(List<Object> out, int from) {
      for (int i = from; i < out.size(); i++) {
        Object o = out.get(i);
        if (o instanceof HttpRequest r) {
          methods.add(r.method());
          atStart = false;
          if (r.decoderResult().isFailure()) {
            // A head failure is on the request itself; a body failure comes on a later content part.
            r.setDecoderResult(DecoderResult.failure(headFailure(r.decoderResult().cause())));
            discarding = true;
            return;
          }
        }
        if (o instanceof LastHttpContent) {
          atStart = true;
        }
      }
    }
  }

  private final class Encoder extends HttpResponseEncoder {
    @Override
    protected boolean isContentAlwaysEmpty(HttpResponse msg) {
      // An interim answer (100 Continue from the aggregator) is not the request's answer.
      if (msg.status().codeClass() == HttpStatusClass.INFORMATIONAL
          && msg.status().code() != HttpResponseStatus.SWITCHING_PROTOCOLS.code()) {
        return super.isContentAlwaysEmpty(msg);
      }
      HttpMethod m = methods.poll();
      return HttpMethod.HEAD.equals(m) || super.isContentAlwaysEmpty(msg);
    }
  }

  private static MalformedRequest headFailure(Throwable cause) {
    if (cause instanceof MalformedRequest m) {
      return m;
    }
    if (cause instanceof TooLongHttpLineException) {
      return new MalformedRequest(HttpResponseStatus.REQUEST_URI_TOO_LONG,
          "request line longer than " + MAX_INITIAL_LINE_BYTES + " bytes", cause);
    }
    if (cause instanceof TooLongHttpHeaderException) {
      return new MalformedRequest(HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE,
          "headers larger than " + MAX_HEADER_BYTES + " bytes", cause);
    }
    return new MalformedRequest(HttpResponseStatus.BAD_REQUEST, "malformed request head: " + cause.getMessage(), cause);
  }

  /**
   * The first line of the readable bytes, after the control characters and spaces Netty skips
   * before a request, or null when no whole line within the limit has arrived yet.
   */
  static String peekRequestLine(ByteBuf in) {
    int start = in.readerIndex();
    int end = in.writerIndex();
    while (start < end) {
      int b = in.getUnsignedByte(start);
      if (!(Character.isISOControl(b) || Character.isWhitespace(b))) {
        break;
      }
      start++;
    }
    if (start == end) {
      return null;
    }
    int searchEnd = Math.min(end, start + MAX_INITIAL_LINE_BYTES + 2);
    int lf = in.indexOf(start, searchEnd, (byte) '\n');
    if (lf < 0) {
      return null;
    }
    int stop = lf > start && in.getByte(lf - 1) == '\r' ? lf - 1 : lf;
    return in.toString(start, stop - start, StandardCharsets.ISO_8859_1);
  }

  /**
   * Go's {@code parseRequestLine} and its checks: {@code METHOD SP target SP version}, split at
   * the first two single spaces; the version {@code HTTP/d.d}, major 1; the method a token.
   *
   * @return the failure, or null for a well-formed line
   */
  static MalformedRequest checkRequestLine(String line) {
    int sp1 = line.indexOf(' ');
    int sp2 = sp1 < 0 ? -1 : line.indexOf(' ', sp1 + 1);
    if (sp1 < 0 || sp2 < 0) {
      return new MalformedRequest(HttpResponseStatus.BAD_REQUEST, "malformed HTTP request", null);
    }
    String method = line.substring(0, sp1);
    String version = line.substring(sp2 + 1);
    if (version.length() != 8 || !version.startsWith("HTTP/") || !isDigit(version.charAt(5))
        || version.charAt(6) != '.' || !isDigit(version.charAt(7))) {
      return new MalformedRequest(HttpResponseStatus.BAD_REQUEST, "malformed HTTP version", null);
    }
    if (method.isEmpty() || !method.chars().allMatch(ReceiverCodec::isTokenChar)) {
      return new MalformedRequest(HttpResponseStatus.BAD_REQUEST, "invalid method", null);
    }
    if (version.charAt(5) != '1') {
      return new MalformedRequest(HttpResponseStatus.HTTP_VERSION_NOT_SUPPORTED, "unsupported protocol version", null,
          true);
    }
    return null;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  /** RFC 9110 {@code tchar}. */
  private static boolean isTokenChar(int c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
        || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
  }
}
