package dev.sluice.pricing;

import dev.sluice.outcome.InvalidConfigurationException;
import dev.sluice.model.TokenUsage;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * List price of one model in US dollars per million tokens: input, output and cached input.
 * Costs are computed in exact integer pico-dollars and rounded up to the nano-dollar.
 *
 * <pre>{@code ModelPrice.perMillion("2.50", "10.00", "1.25").cost(TokenUsage.of(1000, 200)) // $0.0045}</pre>
 */
public final class ModelPrice {

  private static final BigDecimal LIMIT = BigDecimal.valueOf(10_000);

  private final BigDecimal inputPerMillion;
  private final BigDecimal outputPerMillion;
  private final BigDecimal cachedInputPerMillion;
  // USD per million tokens equals pico-dollars per token divided by 1e6: $2.50/M = 2,500,000 pUSD per token.
  private final long inputPicos;
  private final long outputPicos;
  private final long cachedInputPicos;

  public ModelPrice(BigDecimal inputPerMillion, BigDecimal outputPerMillion, BigDecimal cachedInputPerMillion) {
    this.inputPerMillion = check("inputPerMillion", inputPerMillion);
    this.outputPerMillion = check("outputPerMillion", outputPerMillion);
    this.cachedInputPerMillion = check("cachedInputPerMillion", cachedInputPerMillion);
    this.inputPicos = picosPerToken(inputPerMillion);
    this.outputPicos = picosPerToken(outputPerMillion);
    this.cachedInputPicos = picosPerToken(cachedInputPerMillion);
  }

  public static ModelPrice perMillion(String input, String output, String cachedInput) {
    return new ModelPrice(new BigDecimal(input), new BigDecimal(output), new BigDecimal(cachedInput));
  }

  /** A price with no cached-input discount. */
  public static ModelPrice perMillion(String input, String output) {
    return perMillion(input, output, input);
  }

  public BigDecimal inputPerMillion() {
    return inputPerMillion;
  }

  public BigDecimal outputPerMillion() {
    return outputPerMillion;
  }

  public BigDecimal cachedInputPerMillion() {
    return cachedInputPerMillion;
  }

  /** The cost of this usage, rounded up to the nano-dollar. */
  public Cost cost(TokenUsage usage) {
    long uncached = usage.inputTokens() - usage.cachedInputTokens();
    long picos = Math.addExact(
        Math.addExact(Math.multiplyExact(uncached, inputPicos), Math.multiplyExact(usage.cachedInputTokens(), cachedInputPicos)),
        Math.multiplyExact(usage.outputTokens(), outputPicos));
    return Cost.ofNanoUsd((picos + 999) / 1000);
  }

  /** The worst-case cost of a call: every input token uncached, every allowed output token written. */
  public Cost worstCase(long inputTokens, long maxOutputTokens) {
    return cost(TokenUsage.of(inputTokens, maxOutputTokens));
  }

  private static long picosPerToken(BigDecimal perMillion) {
    return perMillion.multiply(BigDecimal.valueOf(1_000_000L)).setScale(0, RoundingMode.CEILING).longValueExact();
  }

  private static BigDecimal check(String field, @Nullable BigDecimal v) {
    Objects.requireNonNull(v, field);
    if (v.signum() < 0 || v.compareTo(LIMIT) > 0) {
      throw new InvalidConfigurationException(field, v, "USD per million tokens from 0 to 10000");
    }
    return v;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof ModelPrice p && inputPicos == p.inputPicos && outputPicos == p.outputPicos
        && cachedInputPicos == p.cachedInputPicos;
  }

  @Override
  public int hashCode() {
    return Objects.hash(inputPicos, outputPicos, cachedInputPicos);
  }

  @Override
  public String toString() {
    return "ModelPrice[in=$" + inputPerMillion.toPlainString() + "/M, out=$" + outputPerMillion.toPlainString()
        + "/M, cachedIn=$" + cachedInputPerMillion.toPlainString() + "/M]";
  }
}
