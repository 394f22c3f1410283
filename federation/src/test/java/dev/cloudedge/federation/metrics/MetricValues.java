package dev.cloudedge.federation.metrics;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.data.PointData;
import java.util.Map;

/** Reads counter sums and histogram counts from a {@link Telemetry} for assertions. */
public final class MetricValues {
  private MetricValues() {}

  /** The sum of {@code name}'s points whose attributes include every entry of {@code attrs}. */
  public static long counter(Telemetry t, String name, Map<String, String> attrs) {
    long sum = 0;
    for (MetricData m : t.prometheus().collect()) {
      if (!m.getName().equals(name)) {
        continue;
      }
      for (LongPointData p : m.getLongSumData().getPoints()) {
        if (matches(p, attrs)) {
          sum += p.getValue();
        }
      }
    }
    return sum;
  }

  /** How many values {@code name}'s histogram points matching {@code attrs} recorded. */
  public static long histogramCount(Telemetry t, String name, Map<String, String> attrs) {
    long n = 0;
    for (MetricData m : t.prometheus().collect()) {
      if (!m.getName().equals(name)) {
        continue;
      }
      for (HistogramPointData p : m.getHistogramData().getPoints()) {
        if (matches(p, attrs)) {
          n += p.getCount();
        }
      }
    }
    return n;
  }

  private static boolean matches(PointData p, Map<String, String> attrs) {
    for (Map.Entry<String, String> e : attrs.entrySet()) {
      if (!e.getValue().equals(p.getAttributes().get(AttributeKey.stringKey(e.getKey())))) {
        return false;
      }
    }
    return true;
  }
}
