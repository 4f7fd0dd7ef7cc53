package dev.sluice.resilience;

/**
 * Which "HTTP 200 but unusable" answers fail an attempt (so retries and the breaker see them):
 * empty output and JSON that does not parse always do; output cut at the token limit does unless
 * turned off here. A per-variant policy.
 *
 * <pre>{@code
 * OutputValidationPolicy lenient = OutputValidationPolicy.DEFAULTS.withFailOnTruncatedOutput(false);
 * }</pre>
 *
 * @param failOnTruncatedOutput whether output cut at the token limit fails the attempt
 */
public record OutputValidationPolicy(boolean failOnTruncatedOutput) {

  /** Every default: truncated output fails the attempt. */
  public static final OutputValidationPolicy DEFAULTS = new OutputValidationPolicy(true);

  public OutputValidationPolicy withFailOnTruncatedOutput(boolean fail) {
    return new OutputValidationPolicy(fail);
  }
}
