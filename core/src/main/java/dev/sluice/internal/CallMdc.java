package dev.sluice.internal;

import dev.sluice.Route;
import dev.sluice.release.Variant;
import dev.sluice.release.VersionLabels;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.MDC;

/**
 * Puts a call's route, variant, version labels, call id and tenant in the SLF4J MDC for a block of
 * code, and restores what was there before when closed.
 *
 * <pre>{@code try (CallMdc ignored = CallMdc.open(call, frames)) { log.info("..."); }}</pre>
 *
 * <p>The keys are Sluice's own ({@code sluice.*}) and always set and cleared together, so when no
 * call is in the MDC, closing simply removes them; only a call opened inside another (a call made
 * from an {@code @LlmRoute} body, or a fallback variant) saves and restores every key. The record
 * step opens the outermost scope, before assignment; the labels step adds the variant to it, so a
 * call answered at once is recorded with the MDC still set, without setting it twice. The route
 * and variant values are worked out once per variant ({@link Frames}).
 */
public final class CallMdc implements AutoCloseable {

  public static final String ROUTE = "sluice.route";
  public static final String VARIANT = "sluice.variant";
  public static final String CALL_ID = "sluice.call_id";
  public static final String TENANT = "sluice.tenant";
  public static final String MODEL_VERSION = "sluice." + VersionLabels.MODEL_VERSION;
  public static final String PROMPT_VERSION = "sluice." + VersionLabels.PROMPT_VERSION;
  public static final String RETRIEVAL_VERSION = "sluice." + VersionLabels.RETRIEVAL_VERSION;
  public static final String POLICY_VERSION = "sluice." + VersionLabels.POLICY_VERSION;

  private static final String[] KEYS = {
    ROUTE, VARIANT, CALL_ID, TENANT, MODEL_VERSION, PROMPT_VERSION, RETRIEVAL_VERSION, POLICY_VERSION
  };

  private static final CallMdc UNCHANGED = new CallMdc(false, null);

  /** Opened with no call in the MDC: closing removes every Sluice key (the variant's may have been added since). */
  private final boolean removeAll;
  /** Every key's value before a nested open (closing restores them); null otherwise. */
  private final @Nullable String @Nullable [] previous;

  private CallMdc(boolean removeAll, @Nullable String @Nullable [] previous) {
    this.removeAll = removeAll;
    this.previous = previous;
  }

  /**
   * Sets the call's MDC on this thread until {@link #close()}: route, call id and tenant, and the
   * variant with its labels once one is assigned. Inside a scope of the same call opened before
   * assignment, it adds the variant's keys to that scope, which removes them when it closes.
   */
  public static CallMdc open(CallState call, Frames frames) {
    Frame frame = frames.of(call.variant());
    String current = MDC.get(CALL_ID);
    if (current == null) {
      frame.put();
      putCall(call);
      return new CallMdc(true, null);
    }
    if (current.equals(call.callId())) {
      String variantSet = MDC.get(VARIANT);
      // Already set for this call and variant on this thread (the labels step did it): nothing to do.
      if (frame.variantId != null && frame.variantId.equals(variantSet)) {
        return UNCHANGED;
      }
      // The record step's scope, opened before the variant was known: add the variant to it.
      if (variantSet == null) {
        frame.put();
        return UNCHANGED;
      }
    }
    // Another call's keys, or another variant of this call (a fallback's): save them, restore them at close.
    String[] previous = new String[KEYS.length];
    for (int i = 0; i < KEYS.length; i++) {
      previous[i] = MDC.get(KEYS[i]);
      MDC.remove(KEYS[i]);
    }
    frame.put();
    putCall(call);
    return new CallMdc(false, previous);
  }

  private static void putCall(CallState call) {
    MDC.put(CALL_ID, call.callId());
    String tenant = call.subject().tenant().orElse(null);
    if (tenant != null) {
      MDC.put(TENANT, tenant);
    }
  }

  @Override
  public void close() {
    if (removeAll) {
      for (String key : KEYS) {
        MDC.remove(key);
      }
    } else if (previous != null) {
      for (int i = 0; i < KEYS.length; i++) {
        if (previous[i] == null) {
          MDC.remove(KEYS[i]);
        } else {
          MDC.put(KEYS[i], previous[i]);
        }
      }
    }
  }

  /** A route's MDC frames, one per variant, made on first use. Thread-safe. */
  public static final class Frames {
    private final Route route;
    private final Frame noVariant;
    private final ConcurrentHashMap<Variant, Frame> byVariant = new ConcurrentHashMap<>();

    public Frames(Route route) {
      this.route = route;
      this.noVariant = new Frame(route, null);
    }

    Frame of(@Nullable Variant v) {
      if (v == null) {
        return noVariant;
      }
      Frame f = byVariant.get(v);
      return f != null ? f : byVariant.computeIfAbsent(v, variant -> new Frame(route, variant));
    }
  }

  /** The keys and values a route and variant put in the MDC: route, variant and the labels it has. */
  static final class Frame {
    final @Nullable String variantId;
    private final String[] keys;
    private final String[] values;

    Frame(Route route, @Nullable Variant v) {
      List<String> k = new ArrayList<>();
      List<String> val = new ArrayList<>();
      k.add(ROUTE);
      val.add(route.name());
      this.variantId = v == null ? null : v.id();
      if (v != null) {
        k.add(VARIANT);
        val.add(v.id());
        VersionLabels l = v.labels();
        add(k, val, MODEL_VERSION, l.modelVersion().orElse(null));
        add(k, val, PROMPT_VERSION, l.promptVersion().orElse(null));
        add(k, val, RETRIEVAL_VERSION, l.retrievalVersion().orElse(null));
        add(k, val, POLICY_VERSION, l.policyVersion().orElse(null));
      }
      this.keys = k.toArray(String[]::new);
      this.values = val.toArray(String[]::new);
    }

    private static void add(List<String> keys, List<String> values, String key, @Nullable String value) {
      if (value != null) {
        keys.add(key);
        values.add(value);
      }
    }

    void put() {
      for (int i = 0; i < keys.length; i++) {
        MDC.put(keys[i], values[i]);
      }
    }

    void remove() {
      for (String key : keys) {
        MDC.remove(key);
      }
    }
  }
}
