package dev.sluice.internal;

import dev.sluice.Variant;
import dev.sluice.VersionLabels;
import dev.sluice.pipeline.CallContext;
import org.jspecify.annotations.Nullable;
import org.slf4j.MDC;

/**
 * Puts a call's route, variant, version labels, call id and tenant in the SLF4J MDC for a block of
 * code, and restores what was there before when closed.
 *
 * <pre>{@code try (CallMdc ignored = CallMdc.open(call)) { log.info("..."); }}</pre>
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

  private final @Nullable String[] previous = new String[KEYS.length];

  private CallMdc(CallContext call) {
    this.unchanged = false;
    for (int i = 0; i < KEYS.length; i++) {
      previous[i] = MDC.get(KEYS[i]);
    }
    Variant v = call.variant();
    put(ROUTE, call.route().name());
    put(CALL_ID, call.callId());
    put(TENANT, call.subject().tenant().orElse(null));
    put(VARIANT, v == null ? null : v.id());
    VersionLabels l = v == null ? VersionLabels.NONE : v.labels();
    put(MODEL_VERSION, l.modelVersion().orElse(null));
    put(PROMPT_VERSION, l.promptVersion().orElse(null));
    put(RETRIEVAL_VERSION, l.retrievalVersion().orElse(null));
    put(POLICY_VERSION, l.policyVersion().orElse(null));
  }

  public static CallMdc open(CallContext call) {
    Variant v = call.variant();
    // Already set for this call and variant on this thread (the labels step did it): nothing to do.
    if (call.callId().equals(MDC.get(CALL_ID)) && v != null && v.id().equals(MDC.get(VARIANT))) {
      return UNCHANGED;
    }
    return new CallMdc(call);
  }

  private static final CallMdc UNCHANGED = new CallMdc();

  private final boolean unchanged;

  private CallMdc() {
    this.unchanged = true;
  }

  private static void put(String key, @Nullable String value) {
    if (value == null) {
      MDC.remove(key);
    } else {
      MDC.put(key, value);
    }
  }

  @Override
  public void close() {
    if (unchanged) {
      return;
    }
    for (int i = 0; i < KEYS.length; i++) {
      put(KEYS[i], previous[i]);
    }
  }
}
