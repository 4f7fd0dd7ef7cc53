package dev.sluice.internal.config;

import static dev.sluice.internal.ConfigNodes.integer;
import static dev.sluice.internal.ConfigNodes.number;
import static dev.sluice.internal.ConfigNodes.onlyKnown;
import static dev.sluice.internal.ConfigNodes.path;
import static dev.sluice.internal.ConfigNodes.text;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.outcome.InvalidConfigurationException;
import dev.sluice.budget.BudgetAction;
import dev.sluice.budget.BudgetCap;
import dev.sluice.budget.BudgetPeriod;
import dev.sluice.budget.BudgetPolicy;
import dev.sluice.budget.BudgetScope;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Budget caps: {@code {scope: tenant, period: day, usd: "10.00", soft_threshold: 0.8, on_exceeded:
 * downgrade, downgrade_to: small}} or {@code tokens: 200000} instead of {@code usd}.
 */
public final class BudgetConfig {

  private static final Set<String> CAP = Set.of("scope", "period", "usd", "tokens", "soft_threshold", "on_exceeded", "downgrade_to");
  private static final Set<String> POLICY = Set.of("caps", "zone", "default_max_output_tokens");

  private BudgetConfig() {}

  /** A route's {@code budget} section: caps, the time zone periods align to, the default output reservation. */
  public static BudgetPolicy policy(JsonNode n, String path) {
    onlyKnown(n, POLICY, path, "a route budget");
    BudgetPolicy.Builder b = BudgetPolicy.builder();
    caps(n.get("caps"), path(path, "caps")).forEach(b::cap);
    if (n.has("zone")) {
      String zone = text(n, "zone", true, path);
      try {
        b.zone(ZoneId.of(zone));
      } catch (DateTimeException e) {
        throw new InvalidConfigurationException(path(path, "zone"), zone, "a time zone id such as UTC or Europe/Paris");
      }
    }
    if (n.has("default_max_output_tokens")) b.defaultMaxOutputTokens(integer(n, "default_max_output_tokens", path));
    return b.build();
  }

  /** A list of caps; empty when absent. */
  public static List<BudgetCap> caps(JsonNode list, String path) {
    List<BudgetCap> out = new ArrayList<>();
    if (list == null || list.isNull()) {
      return out;
    }
    if (!list.isArray()) {
      throw new InvalidConfigurationException(path, list.toString(), "a list of caps");
    }
    for (int i = 0; i < list.size(); i++) {
      out.add(cap(list.get(i), path + "[" + i + "]"));
    }
    return out;
  }

  static BudgetCap cap(JsonNode n, String path) {
    if (!n.isObject()) {
      throw new InvalidConfigurationException(path, n.toString(), "a cap with scope, period and usd or tokens");
    }
    onlyKnown(n, CAP, path, "a budget cap");
    BudgetScope scope = named(BudgetScope.class, n, "scope", path);
    BudgetPeriod period = named(BudgetPeriod.class, n, "period", path);
    if (n.has("usd") == n.has("tokens")) {
      throw new InvalidConfigurationException(path, "give exactly one of usd (dollars, e.g. \"10.00\") or tokens (a whole number)");
    }
    BudgetCap cap = n.has("usd") ? BudgetCap.usd(scope, period, text(n, "usd", true, path))
        : BudgetCap.tokens(scope, period, (long) number(n, "tokens", path));
    if (n.has("soft_threshold")) cap = cap.softAt(number(n, "soft_threshold", path));
    String action = n.has("on_exceeded") ? text(n, "on_exceeded", true, path).toLowerCase(Locale.ROOT) : "reject";
    cap = switch (action) {
      case "reject" -> cap;
      case "fallback" -> cap.onExceeded(BudgetAction.FALLBACK);
      case "downgrade" -> cap.onExceeded(BudgetAction.downgradeTo(text(n, "downgrade_to", true, path)));
      default -> throw new InvalidConfigurationException(path(path, "on_exceeded"), action, "one of reject, fallback, downgrade");
    };
    return cap;
  }

  private static <E extends Enum<E>> E named(Class<E> type, JsonNode n, String field, String path) {
    String v = text(n, field, true, path);
    try {
      return Enum.valueOf(type, v.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new InvalidConfigurationException(path(path, field), v,
          "one of " + Arrays.stream(type.getEnumConstants()).map(c -> c.name().toLowerCase(Locale.ROOT)).toList());
    }
  }
}
