package dev.sluice.internal.budget;

import dev.sluice.budget.BudgetCap;
import dev.sluice.budget.BudgetScope;
import dev.sluice.budget.BudgetUnit;
import io.micrometer.core.instrument.Counter;
import dev.sluice.internal.OwnedGauges;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.LongAdder;

/**
 * Budget meters per scope kind and unit, never per tenant or subject: spend, reserved now,
 * rejections, downgrades and soft-threshold crossings.
 */
public final class BudgetMeters {

  private final MeterRegistry registry;
  /**
   * By scope and unit ordinal. LongAdders: every attempt adds and removes its reservation, from many
   * threads; the gauge reads rarely.
   */
  private final LongAdder[][] reserved = new LongAdder[BudgetScope.values().length][BudgetUnit.values().length];
  private final Counter[][] spent = new Counter[BudgetScope.values().length][BudgetUnit.values().length];

  public BudgetMeters(OwnedGauges gauges) {
    this.registry = gauges.registry();
    for (BudgetScope s : BudgetScope.values()) {
      for (BudgetUnit u : BudgetUnit.values()) {
        LongAdder holder = new LongAdder();
        reserved[s.ordinal()][u.ordinal()] = holder;
        gauges.register("sluice.budget.reserved", Tags.of("scope", s.tag(), "unit", u.tag()), holder, h -> inUnit(u, h.sum()),
            "Reserved and not yet settled, by scope kind", u.tag());
        spent[s.ordinal()][u.ordinal()] = Counter.builder("sluice.budget.spent").description("Settled spend, by scope kind")
            .baseUnit(u.tag()).tag("scope", s.tag()).tag("unit", u.tag()).register(registry);
      }
    }
  }

  static double inUnit(BudgetUnit unit, long amount) {
    return unit == BudgetUnit.USD ? amount / 1e9 : amount;
  }

  void reserved(BudgetCap cap, long delta) {
    reserved[cap.scope().ordinal()][cap.unit().ordinal()].add(delta);
  }

  void spent(BudgetCap cap, long amount) {
    if (amount > 0) {
      spent[cap.scope().ordinal()][cap.unit().ordinal()].increment(inUnit(cap.unit(), amount));
    }
  }

  Counter rejections(String route, BudgetCap cap) {
    return Counter.builder("sluice.budget.rejections").description("Calls a full cap turned away or redirected")
        .tag("route", route).tag("scope", cap.scope().tag()).tag("action", cap.action().kind().name().toLowerCase(java.util.Locale.ROOT))
        .register(registry);
  }

  Counter downgrades(String route, String to) {
    return Counter.builder("sluice.budget.downgrades").description("Calls sent to a cheaper variant by a full cap")
        .tag("route", route).tag("variant", to).register(registry);
  }

  Counter softThresholds(String route, BudgetCap cap) {
    return Counter.builder("sluice.budget.soft_threshold").description("Accounts that crossed their cap's soft threshold")
        .tag("route", route).tag("scope", cap.scope().tag()).tag("period", cap.period().tag()).register(registry);
  }

  MeterRegistry registry() {
    return registry;
  }
}
