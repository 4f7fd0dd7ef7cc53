package dev.sluice.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The report's chart draws every variant, also one with data in a single time bucket (most rollback runs). */
class HtmlReportTest {

  @Test
  void aVariantWithOneBucketOfDataIsDrawnAsADot() {
    Map<String, double[]> series = new LinkedHashMap<>();
    series.put("v7", new double[] {1.0, 1.1, 0.9, 1.0});
    series.put("v8", new double[] {Double.NaN, 4.0, Double.NaN, Double.NaN});
    String svg = HtmlReport.chart(series, "%", List.of(), List.of(), 4, Map.of("v7", "#111111", "v8", "#222222"));
    assertThat(svg).contains("<circle").contains("fill=\"#222222\"");
    assertThat(svg.split("<circle", -1)).as("only the isolated point is a dot").hasSize(2);
  }
}
