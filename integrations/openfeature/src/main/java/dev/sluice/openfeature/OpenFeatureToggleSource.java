package dev.sluice.openfeature;

import dev.openfeature.sdk.Client;
import dev.openfeature.sdk.MutableContext;
import dev.sluice.rollout.InMemoryToggleSource;
import dev.sluice.rollout.ToggleSource;
import dev.sluice.rollout.Toggles;
import dev.sluice.subject.Subject;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A route's toggles from an OpenFeature provider, evaluated on every call with the call's subject
 * as the evaluation context, so the flag service can kill, pin or re-weight a route for everyone
 * or for one tenant, region or user, and a change takes effect on the next call:
 *
 * <pre>{@code
 * OpenFeatureAPI.getInstance().setProviderAndWait(myProvider);
 * Sluice sluice = Sluice.builder()...toggleSource(OpenFeatureToggleSource.of(OpenFeatureAPI.getInstance().getClient())).build();
 * }</pre>
 *
 * <p><b>Flag keys</b>, for route {@code support-answer} (the prefix is {@code sluice} unless set):
 *
 * <ul>
 *   <li>{@code sluice.support-answer.kill}, string: {@code baseline} (every call to the baseline),
 *       {@code fallback} (every call to the fallback chain), anything else or absent: off;
 *   <li>{@code sluice.support-answer.pin}, string: a variant id every call gets; empty or absent: none;
 *   <li>{@code sluice.support-answer.percent}, number 0 to 100: the candidate's share in place of the
 *       stage's; absent or negative: none;
 *   <li>{@code sluice.support-answer.pause}, boolean: true holds the rollout (the judge neither
 *       promotes nor rolls back); absent or false: not held.
 * </ul>
 *
 * <p><b>Evaluation context</b>: the targeting key is the subject's routing key; each subject
 * attribute ({@code tenant}, {@code region}, {@code plan}, ...) is an attribute of the context.
 *
 * <p>A flag the service does not define leaves the toggle to the local source, which also holds
 * what {@code RolloutControl} sets (kill, pin, percent from code or the actuator); a flag the
 * service does define wins. The evaluation is on every call's path: use a provider that evaluates
 * locally (flagd in-process, the vendors' server SDKs), as providers generally do. A provider
 * error is an absent flag (OpenFeature returns the default), never a failed call; a pin naming a
 * variant the route does not have is ignored by the route, with a warning.
 */
public final class OpenFeatureToggleSource implements ToggleSource {

  private static final Logger log = LoggerFactory.getLogger(OpenFeatureToggleSource.class);

  private final Client client;
  private final String prefix;
  private final ToggleSource local;

  private OpenFeatureToggleSource(Client client, String prefix, ToggleSource local) {
    this.client = Objects.requireNonNull(client, "client");
    this.prefix = Objects.requireNonNull(prefix, "prefix");
    this.local = Objects.requireNonNull(local, "local");
  }

  /** Flags under the {@code sluice} prefix, over an in-memory local source. */
  public static OpenFeatureToggleSource of(Client client) {
    return new OpenFeatureToggleSource(client, "sluice", new InMemoryToggleSource());
  }

  /** Flags under {@code prefix}, over the given local source (what {@code RolloutControl} sets). */
  public static OpenFeatureToggleSource of(Client client, String prefix, ToggleSource local) {
    if (prefix.isBlank()) {
      throw new IllegalArgumentException("the flag key prefix must not be blank");
    }
    return new OpenFeatureToggleSource(client, prefix, local);
  }

  /** The flag key of a route's toggle, e.g. {@code sluice.support-answer.kill}. */
  public String key(String route, String toggle) {
    return prefix + "." + route + "." + toggle;
  }

  /**
   * The toggles set locally (through {@code RolloutControl}): what the actuator shows and what a
   * change by {@code RolloutControl} starts from. Flags depend on who calls, so they are read per
   * call, in {@link #get(String, Subject)}; copying them here would pin today's flag values into the
   * local toggles.
   */
  @Override
  public Toggles get(String route) {
    return local.get(route);
  }

  /** What a call of this subject gets: the local toggles, with every flag the service defines in their place. */
  @Override
  public Toggles get(String route, Subject subject) {
    Toggles t = local.get(route, subject);
    MutableContext context = context(subject);
    String kill = client.getStringValue(key(route, "kill"), "", context).trim().toLowerCase(Locale.ROOT);
    if (kill.equals("baseline") || kill.equals("fallback")) {
      t = t.withKill(true, kill.equals("fallback"));
    } else if (!kill.isEmpty() && !kill.equals("off")) {
      log.warn("flag {} is '{}'; expected baseline, fallback or off: taken as off", key(route, "kill"), shorten(kill));
    }
    String pin = client.getStringValue(key(route, "pin"), "", context).trim();
    if (!pin.isEmpty()) {
      t = t.withPinned(pin);
    }
    double percent = client.getDoubleValue(key(route, "percent"), -1.0, context);
    if (percent >= 0 && percent <= 100) {
      t = t.withPercent(percent);
    } else if (percent > 100 || Double.isNaN(percent)) {
      log.warn("flag {} is {}; expected 0 to 100: ignored", key(route, "percent"), percent);
    }
    return t;
  }

  /**
   * Whether flag {@code <prefix>.<route>.pause} (boolean) holds the rollout: the judge neither
   * promotes nor rolls back while it is true. Evaluated when the rollout is evaluated, with an
   * empty context (a rollout is not any one subject's); absent or a provider error: not held.
   */
  @Override
  public boolean paused(String route) {
    return client.getBooleanValue(key(route, "pause"), false, new MutableContext()) || local.paused(route);
  }

  private static MutableContext context(Subject subject) {
    MutableContext c = new MutableContext(subject.routingKey().orElse(""));
    for (Map.Entry<String, String> a : subject.attributes().entrySet()) {
      c.add(a.getKey(), a.getValue());
    }
    return c;
  }

  private static String shorten(String s) {
    return s.length() <= 32 ? s : s.substring(0, 32) + "...";
  }

  /** Sets the local toggles (what {@code RolloutControl} does); a flag the service defines still wins. */
  @Override
  public void set(String route, Toggles toggles) {
    local.set(route, toggles);
  }

  @Override
  public String toString() {
    return "OpenFeatureToggleSource[" + prefix + ".*, " + client.getMetadata().getDomain() + "]";
  }

  /** The local source, for what a flag does not say. */
  public ToggleSource local() {
    return local;
  }
}
