package dev.sluice.rollout;

import dev.sluice.internal.ConfigNodes;
import dev.sluice.outcome.InvalidConfigurationException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A deterministic rollback rule from a rollout note's {@code rollback_triggers}, checked by the
 * judge beside its statistics on the current stage's calls: when the candidate breaks it (for the
 * rule's duration, if it has one), the rollout is rolled back naming the rule. Forms:
 *
 * <pre>
 * error_rate &gt; 2%                  the candidate's share of failed calls above 2%
 * fallback_rate &gt; baseline + 2 pp   more than 2 percentage points above the baseline's
 * fallback rate +2 pp               the same, short
 * error rate +50%                   50% above the baseline's (relative, as % is everywhere)
 * cost_per_call &gt; 1.3x baseline     30% above the baseline's mean
 * p95 latency +20%                  the candidate's p95 more than 20% above the baseline's
 * p95_latency &gt; 3 s                 an absolute p95 (ms or s)
 * cost_per_call &gt; $0.002            an absolute mean cost per call
 * error_rate &gt; 2% for 5m            sustained at every look for 5 minutes (ms, s, m, h, d)
 * </pre>
 *
 * Metrics: {@code error_rate}, {@code timeout_rate}, {@code fallback_rate}, {@code
 * parse_failure_rate}, {@code guardrail_block_rate}, {@code refusal_rate}, {@code tool_call_error_rate},
 * {@code p95_latency}, {@code cost_per_call},
 * {@code tokens_per_call} (spaces for underscores). A rule is checked once the stage has
 * {@link #MIN_CALLS} candidate calls (and as many baseline calls when it compares with the baseline).
 *
 * @param text the rule as written
 * @param metric the metric
 * @param kind what the threshold is
 * @param threshold a fraction for rates, seconds, dollars or tokens for absolute thresholds, the
 *     factor for {@code TIMES_BASELINE}, a fraction for {@code ABOVE_BASELINE}
 * @param sustained how long the rule must stay broken; zero: at one look
 */
public record GuardRule(String text, String metric, Kind kind, double threshold, Duration sustained) {

  /** What a rule's threshold is. */
  public enum Kind {
    /** The candidate's value above the threshold. */
    ABSOLUTE,
    /** The candidate's value above the baseline's plus the threshold (rates, in fractions). */
    ABOVE_BASELINE,
    /** The candidate's value above the baseline's times the threshold. */
    TIMES_BASELINE
  }

  /** Candidate calls at the stage before a rule is checked: one failure in two calls is not a 50% error rate. */
  public static final int MIN_CALLS = 100;

  public static final List<String> RATES = List.of("error_rate", "timeout_rate", "fallback_rate", "parse_failure_rate",
      "guardrail_block_rate", "refusal_rate", "tool_call_error_rate");
  public static final List<String> METRICS = List.of("error_rate", "timeout_rate", "fallback_rate", "parse_failure_rate",
      "guardrail_block_rate", "refusal_rate", "tool_call_error_rate", "p95_latency", "cost_per_call", "tokens_per_call");

  private static final int MAX_LENGTH = 200;
  private static final String NUMBER = "(\\d{1,9}(?:\\.\\d{1,9})?)";
  private static final Pattern RULE = Pattern.compile("([a-z0-9_ ]{1,40}?)\\s*(>\\s*[^>]{1,80}?|\\+\\s*" + NUMBER
      + "\\s*(pp|%))(?:\\s+for\\s+(\\d{1,6})\\s*(ms|s|m|h|d))?");
  private static final Pattern PERCENT = Pattern.compile(">\\s*" + NUMBER + "\\s*%");
  private static final Pattern PLUS_PP = Pattern.compile(">\\s*baseline\\s*\\+\\s*" + NUMBER + "\\s*pp");
  private static final Pattern TIMES = Pattern.compile(">\\s*" + NUMBER + "\\s*x(?:\\s*baseline)?");
  private static final Pattern SECONDS = Pattern.compile(">\\s*" + NUMBER + "\\s*(ms|s)");
  private static final Pattern DOLLARS = Pattern.compile(">\\s*(?:\\$\\s*" + NUMBER + "|" + NUMBER + "\\s*usd)");
  private static final Pattern PLAIN = Pattern.compile(">\\s*" + NUMBER);

  /**
   * Parses a rule.
   *
   * @throws InvalidConfigurationException naming {@code field}, the text and the forms allowed
   */
  public static GuardRule parse(String text, String field) {
    if (text == null || text.length() > MAX_LENGTH) {
      throw new InvalidConfigurationException(field, text == null ? "null" : text.substring(0, 40) + "...",
          "a rule of at most " + MAX_LENGTH + " characters");
    }
    String t = text.trim().toLowerCase(Locale.ROOT);
    Matcher m = RULE.matcher(t);
    if (!m.matches()) {
      throw invalid(field, text);
    }
    String metric = m.group(1).trim().replaceAll("\\s+", "_");
    if (metric.equals("latency_p95")) {
      metric = "p95_latency";
    }
    if (!METRICS.contains(metric)) {
      throw new InvalidConfigurationException(field, text, "a rule on one of " + METRICS + " (spaces for underscores)");
    }
    Duration sustained = Duration.ZERO;
    if (m.group(5) != null) {
      sustained = ConfigNodes.duration(m.group(5) + m.group(6), field);
    }
    boolean rate = RATES.contains(metric);
    if (m.group(3) != null) { // the short form: +N pp or +N%
      double n = Double.parseDouble(m.group(3));
      if (m.group(4).equals("pp")) {
        if (!rate) {
          throw new InvalidConfigurationException(field, text, "percentage points (pp) only for rates " + RATES);
        }
        return new GuardRule(text, metric, Kind.ABOVE_BASELINE, n / 100, sustained);
      }
      return new GuardRule(text, metric, Kind.TIMES_BASELINE, 1 + n / 100, sustained); // relative, rates included
    }
    String value = m.group(2);
    Matcher v;
    if ((v = PLUS_PP.matcher(value)).matches() && rate) {
      return new GuardRule(text, metric, Kind.ABOVE_BASELINE, Double.parseDouble(v.group(1)) / 100, sustained);
    }
    if ((v = PERCENT.matcher(value)).matches() && rate) {
      return new GuardRule(text, metric, Kind.ABSOLUTE, Double.parseDouble(v.group(1)) / 100, sustained);
    }
    if ((v = TIMES.matcher(value)).matches()) {
      return new GuardRule(text, metric, Kind.TIMES_BASELINE, Double.parseDouble(v.group(1)), sustained);
    }
    if ((v = SECONDS.matcher(value)).matches() && metric.equals("p95_latency")) {
      double x = Double.parseDouble(v.group(1));
      return new GuardRule(text, metric, Kind.ABSOLUTE, v.group(2).equals("ms") ? x / 1000 : x, sustained);
    }
    if ((v = DOLLARS.matcher(value)).matches() && metric.equals("cost_per_call")) {
      return new GuardRule(text, metric, Kind.ABSOLUTE, Double.parseDouble(v.group(1) != null ? v.group(1) : v.group(2)), sustained);
    }
    if ((v = PLAIN.matcher(value)).matches() && metric.equals("tokens_per_call")) {
      return new GuardRule(text, metric, Kind.ABSOLUTE, Double.parseDouble(v.group(1)), sustained);
    }
    throw invalid(field, text);
  }

  private static InvalidConfigurationException invalid(String field, String text) {
    return new InvalidConfigurationException(field, text, "a rule such as 'error_rate > 2%', 'fallback_rate > baseline + 2 pp', "
        + "'fallback rate +2 pp', 'cost_per_call > 1.3x baseline', 'p95 latency +20%', 'p95_latency > 3 s', "
        + "'cost_per_call > $0.002', optionally followed by 'for 5m'");
  }

  /** Whether a candidate value breaks the rule, given the baseline's (NaN when there is none). */
  public boolean broken(double candidate, double baseline) {
    return switch (kind) {
      case ABSOLUTE -> candidate > threshold;
      case ABOVE_BASELINE -> !Double.isNaN(baseline) && candidate > baseline + threshold;
      case TIMES_BASELINE -> !Double.isNaN(baseline) && candidate > baseline * threshold;
    };
  }
}
