package dev.sluice.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.Sluice;
import dev.sluice.model.ClientResolver;
import dev.sluice.config.SluiceConfiguration;
import dev.sluice.outcome.InvalidConfigurationException;
import dev.sluice.subject.Subject;
import dev.sluice.time.TimeSource;
import io.lettuce.core.RedisClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Fleet mode from the configuration file: {@code fleet: {kind: redis, uri_env: ...}} gives two
 * instances read from the same file one rollout state, one set of toggles and one budget; the
 * URI comes from the environment and appears in no message; mistakes name their field.
 */
class FleetConfigurationTest {

  static LocalRedis redis;

  @BeforeAll
  static void startRedis() {
    redis = LocalRedis.start();
  }

  @AfterAll
  static void stopRedis() {
    redis.close();
  }

  static final String ROUTES = """
      routes:
        - name: support
          variants:
            - {id: v1, model: gpt-4o-mini, client: {provider: simulated}}
            - {id: v2, model: gpt-4o-mini, client: {provider: simulated}}
          rollout:
            candidate: v2
            stages: [{kind: percent, percent: 10}, {kind: full}]
      stage_gate: manual
      budgets:
        - {scope: global, period: day, usd: "5"}
      """;

  Sluice.Builder read(String yaml, Map<String, String> environment) throws Exception {
    JsonNode tree = SluiceConfiguration.parse(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)));
    return SluiceConfiguration.fromTree(tree, ClientResolver.none(), List.of(), TimeSource.system(), environment::get)
        .meterRegistry(new SimpleMeterRegistry()).auditSink(e -> { });
  }

  @Test
  void twoInstancesFromOneFileShareRolloutTogglesAndBudget() throws Exception {
    String yaml = ROUTES + """
        fleet:
          kind: redis
          uri_env: TEST_REDIS_URI
          key_prefix: "config-test:"
        """;
    Map<String, String> env = Map.of("TEST_REDIS_URI", "redis://127.0.0.1:" + redis.port);
    try (Sluice a = read(yaml, env).build(); Sluice b = read(yaml, env).build()) {
      assertThat(a.ledger()).isInstanceOf(RedisBudgetLedger.class);
      a.rollout("support").rollback("oncall", "bad answers");
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (!b.rollout("support").state().rolledBack() && System.nanoTime() < deadline) {
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
      }
      assertThat(b.rollout("support").state().rolledBack()).isTrue();
      a.call("support", dev.sluice.model.ChatRequest.ofUser("hello"), Subject.of("u1"));
      assertThat(b.budgetStandings("support").get(0).spent()).as("b reads the spend a made").isPositive();
    }
  }

  @Test
  void aPasswordInTheFileIsRefusedAndTheEnvironmentsURIIsNeverPrinted() throws Exception {
    assertThatThrownBy(() -> read(ROUTES + "fleet: {kind: redis, uri: \"redis://:hunter2@127.0.0.1:6379\"}\n", Map.of()).build())
        .isInstanceOf(InvalidConfigurationException.class).hasMessageContaining("fleet.uri").hasMessageContaining("uri_env")
        .hasMessageNotContaining("hunter2");
    assertThatThrownBy(() -> read(ROUTES + "fleet: {kind: redis, uri_env: NOT_SET_ANYWHERE}\n", Map.of()).build())
        .isInstanceOf(InvalidConfigurationException.class).hasMessageContaining("NOT_SET_ANYWHERE");
    assertThatThrownBy(() -> read(ROUTES + "fleet: {kind: redis, uri_env: BAD}\n", Map.of("BAD", "not a uri :hunter2")).build())
        .isInstanceOf(InvalidConfigurationException.class).hasMessageContaining("fleet.uri_env").hasMessageNotContaining("hunter2");
    assertThatThrownBy(() -> read(ROUTES + "fleet: {kind: zookeeper}\n", Map.of()).build())
        .isInstanceOf(InvalidConfigurationException.class).hasMessageContaining("fleet.kind").hasMessageContaining("[redis]");
    assertThatThrownBy(() -> read(ROUTES + "fleet: {kind: redis, uri: \"redis://127.0.0.1:1\", shard: x}\n", Map.of()).build())
        .isInstanceOf(InvalidConfigurationException.class).hasMessageContaining("shard");
  }

  @Test
  void budgetSliceInTheFilePutsEveryCapInLeasedMode() throws Exception {
    String yaml = ROUTES + "fleet: {kind: redis, uri: \"redis://127.0.0.1:" + redis.port + "\", key_prefix: \"sliced:\", budget_slice: 0.02}\n";
    try (Sluice s = read(yaml, Map.of()).build()) {
      RedisBudgetLedger ledger = (RedisBudgetLedger) s.ledger();
      for (int i = 0; i < 5; i++) {
        s.call("support", dev.sluice.model.ChatRequest.ofUser("hello"), Subject.of("u" + i));
      }
      assertThat(ledger.slicesHeld()).as("the calls drew on a slice").isEqualTo(1);
      assertThat(ledger.redisCalls()).as("five calls, one slice taken").isEqualTo(1);
    }
    assertThatThrownBy(() -> read(ROUTES + "fleet: {kind: redis, uri: \"redis://127.0.0.1:1\", budget_slice: 2}\n", Map.of()).build())
        .isInstanceOf(InvalidConfigurationException.class).hasMessageContaining("fleet.budget_slice");
    assertThatThrownBy(() -> read(ROUTES + "fleet: {kind: redis, uri: \"redis://127.0.0.1:1\", fail_open_up_to: -0.1}\n", Map.of()).build())
        .isInstanceOf(InvalidConfigurationException.class).hasMessageContaining("fleet.fail_open_up_to");
  }

  @Test
  void withoutAURITheFleetUsesTheApplicationsClientAndLeavesItOpen() throws Exception {
    String yaml = ROUTES + "fleet: {kind: redis, key_prefix: \"app-client:\"}\n";
    assertThatThrownBy(() -> read(yaml, Map.of()).build())
        .isInstanceOf(InvalidConfigurationException.class).hasMessageContaining("fleet.uri_env").hasMessageContaining("RedisClient");
    RedisClient application = redis.client();
    try {
      JsonNode tree = SluiceConfiguration.parse(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)));
      dev.sluice.config.ApplicationObjects beans = new dev.sluice.config.ApplicationObjects() {
        @Override
        public <T> java.util.Optional<T> find(Class<T> type) {
          return type == RedisClient.class ? java.util.Optional.of(type.cast(application)) : java.util.Optional.empty();
        }
      };
      try (Sluice s = SluiceConfiguration.fromTree(tree, ClientResolver.none(), List.of(), TimeSource.system(), name -> null, beans)
          .meterRegistry(new SimpleMeterRegistry()).auditSink(e -> { }).build()) {
        s.call("support", dev.sluice.model.ChatRequest.ofUser("hello"), Subject.of("u1"));
        assertThat(s.budgetStandings("support").get(0).spent()).isPositive();
      }
      try (var connection = application.connect()) {
        assertThat(connection.sync().ping()).as("the application's client outlives the Sluice instance").isEqualTo("PONG");
      }
    } finally {
      application.shutdown();
    }
  }

  @Test
  void onlyThePartsNamedAreShared() throws Exception {
    String yaml = ROUTES + "fleet: {kind: redis, uri: \"redis://127.0.0.1:" + redis.port + "\", share: [budgets]}\n";
    try (Sluice s = read(yaml, Map.of()).build()) {
      assertThat(s.ledger()).isInstanceOf(RedisBudgetLedger.class);
      s.rollout("support").kill(false, "oncall", "local only");
      assertThat(s.rollout("support").toggles().killed()).isTrue();
    }
  }
}
