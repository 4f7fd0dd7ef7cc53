package dev.sluice.internal;

import dev.sluice.Route;
import dev.sluice.release.Variant;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.HashMap;
import java.util.Map;

/** The meters of every variant of a route, made when the route's pipeline is built. */
public final class RouteMeters {

  private final Map<String, VariantMeters> byVariant = new HashMap<>();

  public RouteMeters(MeterRegistry registry, Route route) {
    for (Variant v : route.variants().values()) {
      byVariant.put(v.id(), new VariantMeters(registry, route, v));
    }
  }

  public VariantMeters of(Variant variant) {
    VariantMeters m = byVariant.get(variant.id());
    if (m == null) {
      throw new IllegalStateException("variant '" + variant.id() + "' is not one of this route's variants " + byVariant.keySet());
    }
    return m;
  }
}
