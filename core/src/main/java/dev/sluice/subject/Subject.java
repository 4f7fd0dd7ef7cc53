package dev.sluice.subject;

import dev.sluice.internal.proxy.CurrentCall;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Who a call is for: a routing key (user, session or tenant id) that makes assignment sticky, and
 * attributes that cohort rules match (tenant, region, internal, plan, anything else). A subject
 * never becomes a meter tag; it goes to the MDC and the audit event only.
 *
 * <pre>{@code
 * Subject s = Subject.builder().routingKey("user-42").tenant("acme").region("eu").plan("pro").build();
 * }</pre>
 */
public final class Subject {

  public static final String TENANT = "tenant";
  public static final String REGION = "region";
  public static final String INTERNAL = "internal";
  public static final String PLAN = "plan";

  private static final Subject ANONYMOUS = builder().build();

  private final @Nullable String routingKey;
  private final Map<String, String> attributes;

  private Subject(Builder b) {
    this.routingKey = b.routingKey;
    this.attributes = Map.copyOf(b.attributes);
  }

  /** A subject with only a routing key. */
  public static Subject of(String routingKey) {
    return builder().routingKey(routingKey).build();
  }

  /** A subject with no routing key: it is assigned per request, not sticky. */
  public static Subject anonymous() {
    return ANONYMOUS;
  }

  /**
   * Makes {@code subject} the subject of {@code @LlmRoute} calls this thread makes until the
   * returned binding closes, for methods without a {@code @RoutingKey} or {@code Subject}
   * parameter.
   *
   * <pre>{@code
   * try (var bound = Subject.bind(Subject.builder().routingKey(userId).tenant(tenant).build())) {
   *   return assistant.answer(question);
   * }
   * }</pre>
   */
  public static Binding bind(Subject subject) {
    CurrentCall.Scope scope = CurrentCall.bindSubject(Objects.requireNonNull(subject, "subject"));
    return scope::close;
  }

  /** The subject bound to this thread with {@link #bind(Subject)}, if any. */
  public static Optional<Subject> bound() {
    return CurrentCall.subject();
  }

  /** Ends a {@link #bind(Subject)}; restores the subject bound before it. */
  public interface Binding extends AutoCloseable {
    @Override
    void close();
  }

  public static Builder builder() {
    return new Builder();
  }

  public Optional<String> routingKey() {
    return Optional.ofNullable(routingKey);
  }

  public Optional<String> tenant() {
    return attribute(TENANT);
  }

  public Optional<String> region() {
    return attribute(REGION);
  }

  public Optional<String> plan() {
    return attribute(PLAN);
  }

  /** True when the subject is marked as internal (staff, test accounts). */
  public boolean internal() {
    return "true".equals(attributes.get(INTERNAL));
  }

  public Optional<String> attribute(String name) {
    return Optional.ofNullable(attributes.get(name));
  }

  /** Every attribute, tenant, region, internal and plan included. */
  public Map<String, String> attributes() {
    return attributes;
  }

  @Override
  public String toString() {
    return "Subject[routingKey=" + routingKey + ", attributes=" + attributes + "]";
  }

  /** The longest routing key, attribute name or value a subject accepts. */
  public static final int MAX_VALUE_CHARS = 256;

  /** Builds a {@link Subject}. */
  public static final class Builder {
    private @Nullable String routingKey;
    private final Map<String, String> attributes = new LinkedHashMap<>();

    private Builder() {}

    /** The routing key: at most {@value #MAX_VALUE_CHARS} characters (it keys budgets and assignment, not text). */
    public Builder routingKey(@Nullable String key) {
      this.routingKey = key == null || key.isEmpty() ? null : checked("routingKey", key);
      return this;
    }

    public Builder tenant(String tenant) {
      return attribute(TENANT, tenant);
    }

    public Builder region(String region) {
      return attribute(REGION, region);
    }

    public Builder plan(String plan) {
      return attribute(PLAN, plan);
    }

    public Builder internal(boolean internal) {
      return attribute(INTERNAL, Boolean.toString(internal));
    }

    /** An attribute cohort rules can match; name and value at most {@value #MAX_VALUE_CHARS} characters, at most 64 attributes. */
    public Builder attribute(String name, String value) {
      checked("attribute name", Objects.requireNonNull(name, "name"));
      checked("attribute '" + name + "'", Objects.requireNonNull(value, "value"));
      if (name.equals(TENANT) && value.startsWith("(")) {
        throw new IllegalArgumentException("a tenant cannot start with '(': budgets count calls with no tenant under the reserved name \"(no tenant)\"");
      }
      if (!attributes.containsKey(name) && attributes.size() >= 64) {
        throw new IllegalArgumentException("a subject has at most 64 attributes");
      }
      attributes.put(name, value);
      return this;
    }

    private static String checked(String what, String value) {
      if (value.length() > MAX_VALUE_CHARS) {
        throw new IllegalArgumentException(what + " has " + value.length() + " characters; at most " + MAX_VALUE_CHARS + " are allowed");
      }
      return value;
    }

    public Subject build() {
      return new Subject(this);
    }
  }
}
