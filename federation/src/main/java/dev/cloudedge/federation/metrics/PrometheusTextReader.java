package dev.cloudedge.federation.metrics;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.DoublePointData;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.export.CollectionRegistration;
import io.opentelemetry.sdk.metrics.export.MetricReader;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * A pull {@link MetricReader} that renders the SDK's cumulative data in the Prometheus text
 * exposition format 0.0.4, so {@code GET /metrics} needs no extra dependency. Counters keep their
 * {@code _total} names, histograms expand to {@code _bucket} / {@code _sum} / {@code _count}.
 */
public final class PrometheusTextReader implements MetricReader {
  /** The content type of the rendering. */
  public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private volatile CollectionRegistration registration = CollectionRegistration.noop();

  @Override
  public void register(CollectionRegistration registration) {
    this.registration = registration;
  }

  @Override
  public AggregationTemporality getAggregationTemporality(InstrumentType instrumentType) {
    return AggregationTemporality.CUMULATIVE;
  }

  /** The current data of every instrument (tests read values from it). */
  public Collection<MetricData> collect() {
    return registration.collectAllMetrics();
  }

  /** Histogram series to show at zero until the SDK has a point for them. */
  private volatile java.util.function.Supplier<List<EventdMetrics.ZeroHistogram>> zeroHistograms = List::of;

  /** Declares the histogram series exported at zero until their first record. */
  public void zeroHistograms(java.util.function.Supplier<List<EventdMetrics.ZeroHistogram>> source) {
    this.zeroHistograms = java.util.Objects.requireNonNull(source, "source");
  }

  /** The current data rendered as Prometheus text, metrics sorted by name. */
  public String scrape() {
    java.util.TreeMap<String, StringBuilder> sections = new java.util.TreeMap<>();
    Map<String, java.util.Set<Attributes>> histogramSeries = new java.util.HashMap<>();
    for (MetricData m : collect()) {
      String name = sanitize(m.getName());
      StringBuilder sb = sections.computeIfAbsent(name, n -> new StringBuilder(512));
      switch (m.getType()) {
        case LONG_SUM -> {
          header(sb, name, m.getDescription(), m.getLongSumData().isMonotonic() ? "counter" : "gauge");
          for (LongPointData p : m.getLongSumData().getPoints()) {
            sample(sb, name, p.getAttributes(), null, Long.toString(p.getValue()));
          }
        }
        case DOUBLE_SUM -> {
          header(sb, name, m.getDescription(), m.getDoubleSumData().isMonotonic() ? "counter" : "gauge");
          for (DoublePointData p : m.getDoubleSumData().getPoints()) {
            sample(sb, name, p.getAttributes(), null, number(p.getValue()));
          }
        }
        case LONG_GAUGE -> {
          header(sb, name, m.getDescription(), "gauge");
          for (LongPointData p : m.getLongGaugeData().getPoints()) {
            sample(sb, name, p.getAttributes(), null, Long.toString(p.getValue()));
          }
        }
        case DOUBLE_GAUGE -> {
          header(sb, name, m.getDescription(), "gauge");
          for (DoublePointData p : m.getDoubleGaugeData().getPoints()) {
            sample(sb, name, p.getAttributes(), null, number(p.getValue()));
          }
        }
        case HISTOGRAM -> {
          header(sb, name, m.getDescription(), "histogram");
          java.util.Set<Attributes> seen = histogramSeries.computeIfAbsent(name, n -> new java.util.HashSet<>());
          for (HistogramPointData p : m.getHistogramData().getPoints()) {
            seen.add(p.getAttributes());
            histogram(sb, name, p.getAttributes(), p.getBoundaries(), p.getCounts(), p.getSum(), p.getCount());
          }
        }
        default -> {
          // Exponential histograms and summaries are never created by eventd.
        }
      }
    }
    for (EventdMetrics.ZeroHistogram z : zeroHistograms.get()) {
      String name = sanitize(z.name());
      java.util.Set<Attributes> seen = histogramSeries.computeIfAbsent(name, n -> new java.util.HashSet<>());
      if (!seen.add(z.attributes())) {
        continue;
      }
      StringBuilder sb = sections.computeIfAbsent(name, n -> {
        StringBuilder h = new StringBuilder(512);
        header(h, name, z.description(), "histogram");
        return h;
      });
      histogram(sb, name, z.attributes(), z.bounds(), java.util.Collections.nCopies(z.bounds().size() + 1, 0L), 0, 0);
    }
    StringBuilder out = new StringBuilder(4096);
    sections.values().forEach(out::append);
    return out.toString();
  }

  private static void histogram(StringBuilder sb, String name, Attributes attrs, List<Double> bounds, List<Long> counts,
      double sum, long count) {
    long cumulative = 0;
    for (int i = 0; i < bounds.size(); i++) {
      cumulative += counts.get(i);
      sample(sb, name + "_bucket", attrs, number(bounds.get(i)), Long.toString(cumulative));
    }
    sample(sb, name + "_bucket", attrs, "+Inf", Long.toString(count));
    sample(sb, name + "_sum", attrs, null, number(sum));
    sample(sb, name + "_count", attrs, null, Long.toString(count));
  }

  private static void header(StringBuilder sb, String name, String help, String type) {
    sb.append("# HELP ").append(name).append(' ').append(help.replace("\\", "\\\\").replace("\n", "\\n")).append('\n');
    sb.append("# TYPE ").append(name).append(' ').append(type).append('\n');
  }

  private static void sample(StringBuilder sb, String name, Attributes attrs, String le, String value) {
    sb.append(name);
    Map<AttributeKey<?>, Object> map = attrs.asMap();
    if (!map.isEmpty() || le != null) {
      sb.append('{');
      List<Map.Entry<AttributeKey<?>, Object>> entries = new ArrayList<>(map.entrySet());
      entries.sort(Comparator.comparing(e -> e.getKey().getKey()));
      boolean first = true;
      for (Map.Entry<AttributeKey<?>, Object> e : entries) {
        if (!first) {
          sb.append(',');
        }
        first = false;
        sb.append(sanitize(e.getKey().getKey())).append("=\"").append(escape(String.valueOf(e.getValue()))).append('"');
      }
      if (le != null) {
        if (!first) {
          sb.append(',');
        }
        sb.append("le=\"").append(le).append('"');
      }
      sb.append('}');
    }
    sb.append(' ').append(value).append('\n');
  }

  private static String number(double v) {
    if (v == Math.rint(v) && !Double.isInfinite(v) && Math.abs(v) < 1e15) {
      return Long.toString((long) v);
    }
    return Double.toString(v);
  }

  private static String escape(String s) {
    return s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }

  private static String sanitize(String name) {
    StringBuilder sb = new StringBuilder(name.length());
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' || (i > 0 && c >= '0' && c <= '9');
      sb.append(ok ? c : '_');
    }
    return sb.toString();
  }

  @Override
  public CompletableResultCode forceFlush() {
    return CompletableResultCode.ofSuccess();
  }

  @Override
  public CompletableResultCode shutdown() {
    registration = CollectionRegistration.noop();
    return CompletableResultCode.ofSuccess();
  }
}
