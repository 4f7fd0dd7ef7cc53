package dev.sluice.internal;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.ToDoubleFunction;
import org.jspecify.annotations.Nullable;

/**
 * The gauges one Sluice instance registered. A gauge reads an object of the instance that made it,
 * and a registry keeps the first gauge of an id: an instance rebuilt on a shared registry (a
 * Spring context refresh, a test) would report the old instance's objects, or NaN once they were
 * collected. So an instance takes over a gauge of the same id when it registers one, holds its
 * object strongly, and removes its gauges when it closes. Counters and timers are cumulative and
 * simply shared.
 */
public final class OwnedGauges implements AutoCloseable {

  private final MeterRegistry registry;
  private final List<Meter.Id> owned = new CopyOnWriteArrayList<>();

  public OwnedGauges(MeterRegistry registry) {
    this.registry = registry;
  }

  public MeterRegistry registry() {
    return registry;
  }

  /** Registers the gauge, replacing one another instance registered with the same name and tags. */
  public <T> Gauge register(String name, Tags tags, T state, ToDoubleFunction<T> value, String description, @Nullable String baseUnit) {
    removeExisting(name, tags);
    Gauge g = Gauge.builder(name, state, value).tags(tags).description(description).baseUnit(baseUnit).strongReference(true)
        .register(registry);
    owned.add(g.getId());
    return g;
  }

  /** Removes meters of this name family (a prefix, e.g. {@code resilience4j.circuitbreaker}) tagged {@code tag}: another instance's. */
  public void removeFamily(String namePrefix, Tag tag) {
    for (Meter m : registry.getMeters()) {
      Meter.Id id = m.getId();
      if (id.getName().startsWith(namePrefix) && tag.getValue().equals(id.getTag(tag.getKey()))) {
        registry.remove(m);
      }
    }
  }

  private void removeExisting(String name, Tags tags) {
    for (Gauge g : registry.find(name).tags(tags).gauges()) {
      if (g.getId().getTags().equals(sorted(tags))) {
        registry.remove(g);
      }
    }
  }

  private static List<Tag> sorted(Tags tags) {
    return tags.stream().sorted().toList();
  }

  @Override
  public void close() {
    owned.forEach(registry::remove);
    owned.clear();
  }
}
