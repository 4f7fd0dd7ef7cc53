package dev.sluice.examples.demo;

import dev.sluice.rollout.GateReport;
import dev.sluice.RolloutControl;
import dev.sluice.rollout.RolloutEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/** One self-contained HTML page with inline SVG charts: no script, no network needed to view it. */
final class HtmlReport {

  private static final int W = 960;
  private static final int H = 230;
  private static final int PAD_L = 64;
  private static final int PAD_R = 16;
  private static final int PAD_T = 28;
  private static final int PAD_B = 34;
  private static final Map<String, String> COLORS = Map.of("v7", "#2b6cb0", "v8", "#dd6b20", "backup", "#718096");

  private HtmlReport() {}

  /** {@code fleet}: what the pods of a fleet saw, one line each (empty for one instance). */
  static String render(DemoScenario scenario, Timeline t, RolloutControl rollout, GateReport gate, double capUsd, List<String> fleet) {
    long last = t.buckets.keySet().stream().mapToLong(Long::longValue).max().orElse(0);
    int n = (int) last + 1;
    List<String> variants = List.of("v7", "v8");
    StringBuilder h = new StringBuilder();
    h.append("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Sluice rollout report: ")
        .append(scenario.name().toLowerCase(Locale.ROOT)).append("</title><style>")
        .append("body{font:14px/1.45 -apple-system,Segoe UI,Roboto,Helvetica,Arial,sans-serif;margin:24px auto;max-width:1000px;color:#1a202c}")
        .append("h1{font-size:22px;margin:0 0 4px}h2{font-size:16px;margin:28px 0 6px}table{border-collapse:collapse;width:100%}")
        .append("td,th{border-bottom:1px solid #e2e8f0;padding:4px 8px;text-align:left;vertical-align:top}th{background:#f7fafc}")
        .append(".muted{color:#718096}.ok{color:#2f855a;font-weight:600}.bad{color:#c53030;font-weight:600}svg{display:block;margin:4px 0}")
        .append("code{background:#f7fafc;padding:1px 4px}</style></head><body>");
    boolean rolledBack = rollout.state().rolledBack();
    h.append("<h1>Staged rollout of <code>support-answer</code>: v7 → v8</h1>");
    h.append("<p>Scenario <b>").append(esc(scenario.name().toLowerCase(Locale.ROOT))).append("</b> — ended ")
        .append(rolledBack ? "<span class=\"bad\">ROLLED BACK</span>" : "<span class=\"ok\">at stage " + esc(rollout.stage().name()) + "</span>")
        .append(" after ").append(String.format(Locale.ROOT, "%,d", t.calls)).append(" calls over ")
        .append(RolloutDemo.human(Duration.ofMinutes(n * Timeline.BUCKET.toMinutes()))).append(" of simulated time.</p>");
    if (rolledBack) {
      h.append("<p><b>Why:</b> ").append(esc(rollout.state().reason())).append("</p>");
    }
    h.append("<p class=\"muted\">Simulated models, simulated clock (Sluice's ManualTimeSource); traffic from 200,000 users in five tenants and three regions, ")
        .append("2% of prompts carrying personal data and 1% prompt-injection attempts. Budgets, guardrails, fallbacks and the judge are live.</p>");

    List<double[]> stageMarks = new ArrayList<>();
    List<String> stageNames = new ArrayList<>();
    for (RolloutEvent e : t.events) {
      if (e.kind().equals("advanced") || e.kind().equals("rolled_back")) {
        stageMarks.add(new double[] {Duration.between(t.start, e.at()).toSeconds() / (double) Timeline.BUCKET.toSeconds()});
        stageNames.add(e.kind().equals("rolled_back") ? "rollback" : e.stage());
      }
    }
    Map<String, double[]> share = new LinkedHashMap<>();
    double[] s = new double[n];
    for (int i = 0; i < n; i++) {
      s[i] = 100 * t.share(i, "v8");
    }
    share.put("v8 share of calls (%)", s);
    h.append("<h2>Traffic share and stages</h2>").append(chart(share, "%", stageMarks, stageNames, n, Map.of("v8 share of calls (%)", "#dd6b20")));
    h.append("<h2>Error or fallback rate per variant</h2>")
        .append(chart(series(t, variants, n, st -> st.calls < 20 ? Double.NaN : 100.0 * (st.errors + st.fallbacks) / st.calls), "%", stageMarks, stageNames, n, COLORS));
    h.append("<h2>p95 latency per variant</h2>")
        .append(chart(series(t, variants, n, st -> st.calls < 20 ? Double.NaN : st.p95() * 1000), "ms", stageMarks, stageNames, n, COLORS));
    h.append("<h2>Cost per call per variant</h2>")
        .append(chart(series(t, variants, n, st -> st.calls < 20 ? Double.NaN : st.costPerCall() * 1e6), "µ$", stageMarks, stageNames, n, COLORS));
    Map<String, double[]> burn = new LinkedHashMap<>();
    double[] b = new double[n];
    double lastSpent = 0;
    for (int i = 0; i < n; i++) {
      lastSpent = t.budgetSpent.getOrDefault((long) i, lastSpent);
      b[i] = lastSpent;
    }
    burn.put("spent today ($)", b);
    double[] cap = new double[n];
    java.util.Arrays.fill(cap, capUsd);
    burn.put("daily cap ($)", cap);
    h.append("<h2>Budget burn (global daily cap)</h2>")
        .append(chart(burn, "$", stageMarks, stageNames, n, Map.of("spent today ($)", "#2f855a", "daily cap ($)", "#c53030")));

    h.append("<h2>Per variant</h2><table><tr><th>variant</th><th>calls</th><th>error rate</th><th>fallbacks</th><th>p95 latency</th>")
        .append("<th>cost per call</th><th>fixed answers (blocked input and others)</th></tr>");
    for (Map.Entry<String, Timeline.Stats> e : t.totals.entrySet()) {
      Timeline.Stats st = e.getValue();
      h.append(String.format(Locale.ROOT, "<tr><td>%s</td><td>%,d</td><td>%.2f%%</td><td>%.2f%%</td><td>%.0f ms</td><td>$%.7f</td><td>%,d</td></tr>",
          esc(e.getKey()), st.calls, 100 * st.errorRate(), 100 * st.fallbackRate(), 1000 * st.p95(), st.costPerCall(),
          t.guardrailBlocks.getOrDefault(e.getKey(), 0L)));
    }
    h.append("</table>");
    if (!fleet.isEmpty()) {
      h.append("<h2>Fleet</h2><ul>");
      fleet.forEach(line -> h.append("<li>").append(esc(line)).append("</li>"));
      h.append("</ul>");
    }
    h.append("<h2>Offline gate</h2><p>").append(esc(gate.summary())).append("</p>");
    h.append("<h2>Verdicts and decisions</h2><table><tr><th>time</th><th>event</th><th>stage after</th><th>by</th><th>why (with the evidence)</th></tr>");
    for (RolloutEvent e : t.events) {
      h.append("<tr><td>").append(RolloutDemo.clock(t.start, e.at())).append("</td><td>").append(esc(e.kind())).append("</td><td>")
          .append(esc(e.stage())).append("</td><td>").append(esc(e.who())).append("</td><td>").append(esc(e.why())).append("</td></tr>");
    }
    h.append("</table><p class=\"muted\">Made by Sluice's RolloutDemo. Metrics in Prometheus text format are in metrics.prom beside this file.</p>");
    h.append("</body></html>\n");
    return h.toString();
  }

  private static Map<String, double[]> series(Timeline t, List<String> variants, int n, ToDoubleFunction<Timeline.Stats> f) {
    Map<String, double[]> out = new LinkedHashMap<>();
    for (String v : variants) {
      double[] y = new double[n];
      for (int i = 0; i < n; i++) {
        Map<String, Timeline.Stats> bucket = t.buckets.get((long) i);
        Timeline.Stats st = bucket == null ? null : bucket.get(v);
        y[i] = st == null ? Double.NaN : f.applyAsDouble(st);
      }
      out.put(v, y);
    }
    return out;
  }

  static String chart(Map<String, double[]> series, String unit, List<double[]> marks, List<String> markNames, int n, Map<String, String> colors) {
    double max = 0;
    for (double[] y : series.values()) {
      for (double v : y) {
        if (!Double.isNaN(v)) max = Math.max(max, v);
      }
    }
    max = max <= 0 ? 1 : max * 1.1;
    double plotW = W - PAD_L - PAD_R;
    double plotH = H - PAD_T - PAD_B;
    StringBuilder s = new StringBuilder();
    s.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(W).append("\" height=\"").append(H)
        .append("\" viewBox=\"0 0 ").append(W).append(' ').append(H).append("\" role=\"img\">");
    s.append("<rect x=\"").append(PAD_L).append("\" y=\"").append(PAD_T).append("\" width=\"").append(fmt(plotW)).append("\" height=\"")
        .append(fmt(plotH)).append("\" fill=\"#fcfcfd\" stroke=\"#e2e8f0\"/>");
    for (int g = 0; g <= 4; g++) {
      double v = max * g / 4;
      double y = PAD_T + plotH - plotH * g / 4;
      s.append("<line x1=\"").append(PAD_L).append("\" x2=\"").append(W - PAD_R).append("\" y1=\"").append(fmt(y)).append("\" y2=\"")
          .append(fmt(y)).append("\" stroke=\"#edf2f7\"/><text x=\"").append(PAD_L - 6).append("\" y=\"").append(fmt(y + 4))
          .append("\" font-size=\"11\" text-anchor=\"end\" fill=\"#4a5568\">").append(label(v)).append("</text>");
    }
    s.append("<text x=\"8\" y=\"16\" font-size=\"11\" fill=\"#4a5568\">").append(esc(unit)).append("</text>");
    for (int h = 0; h <= n; h += Math.max(1, n / 12)) {
      double x = PAD_L + plotW * h / Math.max(1, n);
      s.append("<text x=\"").append(fmt(x)).append("\" y=\"").append(H - 12).append("\" font-size=\"11\" text-anchor=\"middle\" fill=\"#4a5568\">")
          .append(RolloutDemo.human(Duration.ofMinutes(h * Timeline.BUCKET.toMinutes()))).append("</text>");
    }
    for (int i = 0; i < marks.size(); i++) {
      double x = PAD_L + plotW * marks.get(i)[0] / Math.max(1, n);
      boolean rb = markNames.get(i).equals("rollback");
      s.append("<line x1=\"").append(fmt(x)).append("\" x2=\"").append(fmt(x)).append("\" y1=\"").append(PAD_T).append("\" y2=\"")
          .append(fmt(PAD_T + plotH)).append("\" stroke=\"").append(rb ? "#c53030" : "#a0aec0").append("\" stroke-dasharray=\"4 3\"/>");
      s.append("<text x=\"").append(fmt(x + 3)).append("\" y=\"").append(PAD_T - 6 + (i % 2) * 0).append("\" font-size=\"10\" fill=\"")
          .append(rb ? "#c53030" : "#4a5568").append("\" transform=\"rotate(-20 ").append(fmt(x + 3)).append(' ').append(PAD_T - 6)
          .append(")\">").append(esc(markNames.get(i))).append("</text>");
    }
    int legend = 0;
    for (Map.Entry<String, double[]> e : series.entrySet()) {
      String color = colors.getOrDefault(e.getKey(), "#2d3748");
      StringBuilder path = new StringBuilder();
      boolean pen = false;
      double[] y = e.getValue();
      for (int i = 0; i < y.length; i++) {
        if (Double.isNaN(y[i])) {
          pen = false;
          continue;
        }
        double px = PAD_L + plotW * (i + 0.5) / Math.max(1, n);
        double py = PAD_T + plotH - plotH * y[i] / max;
        path.append(pen ? " L" : " M").append(fmt(px)).append(' ').append(fmt(py));
        pen = true;
      }
      s.append("<path d=\"").append(path).append("\" fill=\"none\" stroke=\"").append(color).append("\" stroke-width=\"2\"/>");
      // A point with no neighbour draws no line: a dot, so a variant with data in one time bucket still shows.
      for (int i = 0; i < y.length; i++) {
        if (!Double.isNaN(y[i]) && (i == 0 || Double.isNaN(y[i - 1])) && (i == y.length - 1 || Double.isNaN(y[i + 1]))) {
          s.append("<circle cx=\"").append(fmt(PAD_L + plotW * (i + 0.5) / Math.max(1, n))).append("\" cy=\"")
              .append(fmt(PAD_T + plotH - plotH * y[i] / max)).append("\" r=\"3\" fill=\"").append(color).append("\"/>");
        }
      }
      s.append("<rect x=\"").append(W - PAD_R - 180).append("\" y=\"").append(PAD_T + 8 + 16 * legend).append("\" width=\"10\" height=\"10\" fill=\"")
          .append(color).append("\"/><text x=\"").append(W - PAD_R - 165).append("\" y=\"").append(PAD_T + 17 + 16 * legend)
          .append("\" font-size=\"11\" fill=\"#2d3748\">").append(esc(e.getKey())).append("</text>");
      legend++;
    }
    s.append("</svg>");
    return s.toString();
  }

  private static String label(double v) {
    return v >= 100 ? String.format(Locale.ROOT, "%.0f", v) : v >= 1 ? String.format(Locale.ROOT, "%.1f", v) : String.format(Locale.ROOT, "%.2f", v);
  }

  private static String fmt(double v) {
    return String.format(Locale.ROOT, "%.1f", v);
  }

  static String esc(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
