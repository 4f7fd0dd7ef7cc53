package dev.sluice.pricing;

import java.util.Objects;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.outcome.InvalidConfigurationException;
import dev.sluice.model.TokenUsage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * Model list prices, looked up by model name. The bundled table ({@link #bundled()}) holds list
 * prices of widely used models; an application overrides or extends it for its own contracts.
 * A model with no price costs {@link Cost#UNKNOWN}, never zero.
 *
 * <p>Lookup takes the exact name first, then drops a provider prefix ({@code openai/gpt-4o}), then
 * the longest known name the model starts with followed by {@code -} (so a dated snapshot such as
 * {@code gpt-4o-mini-2024-07-18} finds {@code gpt-4o-mini}).
 *
 * <pre>{@code
 * PriceTable prices = PriceTable.bundled().with("acme-llm", ModelPrice.perMillion("0.50", "1.50"));
 * Cost c = prices.cost("gpt-4o-mini", TokenUsage.of(1200, 300));
 * }</pre>
 *
 * <p>Immutable and thread-safe; lookups of a name are memoised.
 */
public final class PriceTable {

  private static final String BUNDLED = "/dev/sluice/pricing/prices.json";
  private static final ModelPrice NONE = ModelPrice.perMillion("0", "0");

  private final Map<String, ModelPrice> prices;
  private final @Nullable String asOf;
  private final ConcurrentHashMap<String, ModelPrice> resolved = new ConcurrentHashMap<>();

  private PriceTable(Map<String, ModelPrice> prices, @Nullable String asOf) {
    this.prices = Map.copyOf(prices);
    this.asOf = asOf;
  }

  /** The prices bundled with this release of Sluice. */
  public static PriceTable bundled() {
    try (InputStream in = PriceTable.class.getResourceAsStream(BUNDLED)) {
      if (in == null) {
        throw new IllegalStateException("the bundled price table " + BUNDLED + " is missing from the jar");
      }
      return fromJson(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the bundled price table", e);
    }
  }

  /** A table with no prices: every cost is unknown. */
  public static PriceTable empty() {
    return new PriceTable(Map.of(), null);
  }

  /**
   * Reads a table in the bundled format: {@code {"as_of": "...", "models": {"name": {"input": 2.5,
   * "output": 10, "cached_input": 1.25}}}}, prices in USD per million tokens; {@code cached_input}
   * defaults to {@code input}.
   */
  public static PriceTable fromJson(InputStream json) throws IOException {
    JsonNode root = new ObjectMapper().readTree(json);
    JsonNode models = root.path("models");
    if (!models.isObject()) {
      throw new InvalidConfigurationException("models", "the price table needs an object 'models' of model name to prices");
    }
    Map<String, ModelPrice> map = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = models.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      JsonNode p = e.getValue();
      String field = "models." + e.getKey();
      BigDecimal in = decimal(field + ".input", p.get("input"));
      BigDecimal out = decimal(field + ".output", p.get("output"));
      BigDecimal cached = p.has("cached_input") ? decimal(field + ".cached_input", p.get("cached_input")) : in;
      map.put(e.getKey(), new ModelPrice(in, out, cached));
    }
    return new PriceTable(map, root.path("as_of").isTextual() ? root.path("as_of").asText() : null);
  }

  private static BigDecimal decimal(String field, @Nullable JsonNode n) {
    if (n == null || !n.isNumber()) {
      throw new InvalidConfigurationException(field, n == null ? null : n.toString(), "a number of USD per million tokens");
    }
    return n.decimalValue();
  }

  /** This table with one model's price added or replaced. */
  public PriceTable with(String model, ModelPrice price) {
    Map<String, ModelPrice> copy = new LinkedHashMap<>(prices);
    copy.put(model, price);
    return new PriceTable(copy, asOf);
  }

  /** This table with every price of {@code other} added or replacing ours. */
  public PriceTable withAll(PriceTable other) {
    Map<String, ModelPrice> copy = new LinkedHashMap<>(prices);
    copy.putAll(other.prices);
    return new PriceTable(copy, asOf);
  }

  /** The date the bundled prices were taken from the providers' price pages, if known. */
  public Optional<String> asOf() {
    return Optional.ofNullable(asOf);
  }

  public Map<String, ModelPrice> prices() {
    return prices;
  }

  /** The price for a model name, by the lookup rules above. */
  public Optional<ModelPrice> price(String model) {
    ModelPrice p = resolved.get(model);
    if (p == null) {
      // Model names come from providers too; a provider naming a new model on every answer must not grow this without end.
      if (resolved.size() >= 4096) {
        resolved.clear();
      }
      p = resolved.computeIfAbsent(model, this::resolve);
    }
    return p == NONE ? Optional.empty() : Optional.of(p);
  }

  /** The cost of this usage on this model, or {@link Cost#UNKNOWN}. */
  public Cost cost(String model, TokenUsage usage) {
    Optional<ModelPrice> p = price(model);
    return p.isPresent() ? p.get().cost(usage) : Cost.UNKNOWN;
  }

  private ModelPrice resolve(String model) {
    ModelPrice exact = prices.get(model);
    if (exact != null) {
      return exact;
    }
    String name = model;
    int slash = name.lastIndexOf('/');
    if (slash >= 0 && slash < name.length() - 1) {
      name = name.substring(slash + 1);
      ModelPrice p = prices.get(name);
      if (p != null) {
        return p;
      }
    }
    String best = null;
    for (String known : prices.keySet()) {
      if (name.startsWith(known) && name.length() > known.length() && name.charAt(known.length()) == '-'
          && (best == null || known.length() > best.length())) {
        best = known;
      }
    }
    return best == null ? NONE : Objects.requireNonNull(prices.get(best), best);
  }

  @Override
  public String toString() {
    return "PriceTable[" + prices.size() + " models, asOf=" + asOf + "]";
  }
}
