package dev.sluice.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Sluice;
import dev.sluice.redis.RedisBudgetLedger;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import redis.embedded.RedisServer;

/**
 * Fleet mode turned on in application.yml ({@code sluice.fleet.kind: redis}) with sluice-redis on the
 * class path, on the Lettuce version Spring Boot manages: two applications (two pods) share one
 * rollout and one budget on a Redis the test starts on 127.0.0.1; with no URI in the section, the
 * fleet runs on the application's own Redis connection (Spring Data Redis's Lettuce client).
 */
class FleetStarterTest {

  static RedisServer redis;
  static int port;

  @BeforeAll
  static void startRedis() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    redis = RedisServer.newRedisServer().port(port).bind("127.0.0.1")
        .setting("dir " + Files.createTempDirectory("sluice-starter-redis")).setting("save \"\"").build();
    redis.start();
  }

  @AfterAll
  static void stopRedis() throws IOException {
    redis.stop();
  }

  final ApplicationContextRunner pod = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(SluiceAutoConfiguration.class))
      .withInitializer(SluiceStarterTest.YAML)
      .withBean("houseModel", Beans.HouseModel.class)
      .withBean(SimpleMeterRegistry.class)
      .withPropertyValues("sluice.fleet.kind=redis", "sluice.fleet.uri=redis://127.0.0.1:" + port, "sluice.fleet.key-prefix=starter-test:");

  @Test
  void withoutAURITheFleetUsesTheApplicationsSpringDataRedisClient() {
    new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(SluiceAutoConfiguration.class))
        .withInitializer(SluiceStarterTest.YAML)
        .withBean("houseModel", Beans.HouseModel.class)
        .withBean(SimpleMeterRegistry.class)
        .withBean(org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory.class,
            () -> new org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory(
                new org.springframework.data.redis.connection.RedisStandaloneConfiguration("127.0.0.1", port),
                org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration.builder().clientName("the-application").build()))
        .withPropertyValues("sluice.fleet.kind=redis", "sluice.fleet.key-prefix=app-client-test:")
        .run(app -> {
          assertThat(app).hasNotFailed();
          Sluice sluice = app.getBean(Sluice.class);
          assertThat(sluice.ledger()).isInstanceOf(RedisBudgetLedger.class);
          sluice.call("support-answer", dev.sluice.model.ChatRequest.ofUser("How do I reset my password?"), dev.sluice.subject.Subject.of("u1"));
          assertThat(sluice.budgetStandings("support-answer").get(0).spent()).isPositive();
          // Every connection the fleet opened (ledger, state and its notices, toggles and theirs,
          // evidence) came from the application's client: they carry its name.
          var factory = app.getBean(org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory.class);
          String clients;
          try (var connection = factory.getConnection()) {
            clients = String.valueOf(connection.serverCommands().getClientList().stream()
                .filter(c -> "the-application".equals(c.getName())).count());
          }
          assertThat(Integer.parseInt(clients)).isGreaterThanOrEqualTo(6);
        });
  }

  @Test
  void twoApplicationsShareOneRolloutAndOneBudget() {
    pod.run(a -> pod.run(b -> {
      assertThat(a).hasNotFailed();
      assertThat(b).hasNotFailed();
      Sluice first = a.getBean(Sluice.class);
      Sluice second = b.getBean(Sluice.class);
      assertThat(first.ledger()).isInstanceOf(RedisBudgetLedger.class);
      first.rollout("support-answer").rollback("oncall", "from the first application");
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (!second.rollout("support-answer").state().rolledBack() && System.nanoTime() < deadline) {
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1)); // the notice arrives on Lettuce's thread, in real time
      }
      assertThat(second.rollout("support-answer").state().rolledBack()).isTrue();
      first.call("support-answer", dev.sluice.model.ChatRequest.ofUser("How do I reset my password?"), dev.sluice.subject.Subject.of("u1"));
      assertThat(second.budgetStandings("support-answer").get(0).spent()).as("the second reads the spend of the first").isPositive();
    }));
  }
}
