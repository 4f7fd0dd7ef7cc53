package dev.sluice.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.Sluice;
import dev.sluice.subject.Subject;
import dev.sluice.model.ChatRequest;
import dev.sluice.rollout.StageKind;
import dev.sluice.simulated.SimulatedModelClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.aop.support.AopUtils;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.InvocationContext;
import org.springframework.boot.actuate.endpoint.OperationType;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.invoke.convert.ConversionServiceParameterValueMapper;
import org.springframework.boot.actuate.endpoint.invoke.reflect.OperationMethod;
import org.springframework.boot.actuate.endpoint.invoke.reflect.ReflectiveOperationInvoker;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.io.ClassPathResource;
import org.springframework.test.util.AopTestUtils;

class SluiceStarterTest {

  /** application.yml as Spring Boot loads it: the YAML loader flattens it into a property source. */
  static final ApplicationContextInitializer<ConfigurableApplicationContext> YAML = context -> {
    try {
      new YamlPropertySourceLoader().load("application.yml", new ClassPathResource("sluice-test.yml"))
          .forEach(source -> context.getEnvironment().getPropertySources().addFirst(source));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  };

  final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(SluiceAutoConfiguration.class, SluiceEndpointAutoConfiguration.class,
          SluiceSpringAiAutoConfiguration.class))
      .withInitializer(YAML)
      .withBean("houseModel", Beans.HouseModel.class)
      .withBean(SimpleMeterRegistry.class);

  @Test
  void theContextBuildsSluiceFromApplicationYamlAndBindsItsMetrics() {
    runner.run(context -> {
      assertThat(context).hasNotFailed().hasSingleBean(Sluice.class);
      Sluice sluice = context.getBean(Sluice.class);
      assertThat(sluice.route("support-answer").baseline().labels().promptVersion()).contains("support-v7");
      assertThat(sluice.route("support-answer").variant("v2").client()).isSameAs(context.getBean("houseModel"));
      assertThat(sluice.route("support-answer").variant("v2").systemPrompt()).contains("You are a concise support agent.");
      assertThat(sluice.route("support-answer").resilience().retry().maxAttempts()).isEqualTo(2);
      assertThat(sluice.rollout("support-answer").plan().stages()).extracting(s -> s.kind())
          .containsExactly(StageKind.CANARY, StageKind.PERCENT, StageKind.FULL);
      assertThat(sluice.rollout("support-answer").plan().stages().get(0).minCandidateCalls()).isEqualTo(10);
      assertThat(sluice.rollout("support-answer").plan().owner()).isEqualTo("support-team");

      sluice.call("support-answer", ChatRequest.ofUser("How do I reset my password?"), Subject.of("u1"));
      MeterRegistry registry = context.getBean(MeterRegistry.class);
      assertThat(registry.get("sluice.calls").tag("route", "support-answer").tag("outcome", "success").counter().count()).isEqualTo(1);
      assertThat(sluice.budgetStandings("support-answer")).singleElement().satisfies(b -> assertThat(b.spent()).isPositive());
    });
  }

  @Test
  void callsAreObservedOnTheApplicationsObservationRegistry() {
    java.util.List<String> observed = new java.util.concurrent.CopyOnWriteArrayList<>();
    io.micrometer.observation.ObservationRegistry observations = io.micrometer.observation.ObservationRegistry.create();
    observations.observationConfig().observationHandler(new io.micrometer.observation.ObservationHandler<>() {
      @Override
      public void onStop(io.micrometer.observation.Observation.Context context) {
        observed.add(context.getName() + " " + context.getContextualName());
      }

      @Override
      public boolean supportsContext(io.micrometer.observation.Observation.Context context) {
        return true;
      }
    });
    runner.withBean(io.micrometer.observation.ObservationRegistry.class, () -> observations).run(context -> {
      context.getBean(Sluice.class).call("support-answer", ChatRequest.ofUser("How do I reset my password?"), Subject.of("u1"));
      assertThat(observed).contains("sluice.call sluice support-answer").anyMatch(o -> o.startsWith("gen_ai.client.operation chat "));
    });
  }

  @Test
  void withARouteNamedTheStarterDeclaresThePrimarySpringAiChatModelOverIt() {
    runner.withBean("vendorModel", HouseChatModel.class).withPropertyValues("sluice.spring-ai.route=support-answer").run(context -> {
      assertThat(context).hasNotFailed();
      org.springframework.ai.chat.model.ChatModel model = context.getBean(org.springframework.ai.chat.model.ChatModel.class);
      assertThat(model).as("the primary ChatModel, beside the vendor's").isInstanceOf(dev.sluice.springai.SluiceSpringAiChatModel.class);
      String answer;
      try (var bound = Subject.bind(Subject.of("u1"))) {
        answer = model.call("How do I reset my password?");
      }
      assertThat(answer).isEqualTo("Open Settings, then Security.");
      assertThat(context.getBean(MeterRegistry.class).get("sluice.calls").tag("route", "support-answer").counters().stream()
          .mapToDouble(c -> c.count()).sum()).isEqualTo(1);
    });
    runner.run(context -> assertThat(context).doesNotHaveBean(dev.sluice.springai.SluiceSpringAiChatModel.class));
    try (Sluice own = Sluice.builder().route(dev.sluice.Route.builder("r").baseline(dev.sluice.release.Variant.builder("v")
            .client(SimulatedModelClient.builder().build()).model("m").build()).build())
        .meterRegistry(new SimpleMeterRegistry()).build()) {
      var routed = dev.sluice.springai.SluiceSpringAiChatModel.builder(own, "r").build();
      assertThatThrownBy(() -> dev.sluice.spring.internal.ChatModelBeans.client(routed))
          .as("a variant cannot be Sluice's own model over a route").hasMessageContaining("vendor's model bean");
    }
  }

  @Test
  void itBacksOffWhenTheApplicationDefinesItsOwnSluice() {
    runner.withBean("mySluice", Sluice.class, () -> Sluice.builder()
            .route(dev.sluice.Route.builder("support-answer").baseline(dev.sluice.release.Variant.builder("mine")
                .client(SimulatedModelClient.builder().noLatency().build()).model("gpt-4o-mini").build()).build())
            .meterRegistry(new SimpleMeterRegistry()).build())
        .run(context -> {
          assertThat(context).hasSingleBean(Sluice.class);
          assertThat(context.getBean(Sluice.class).route("support-answer").baseline().id()).isEqualTo("mine");
        });
  }

  @Test
  void withoutRoutesAndWithoutASluiceBeanItDoesNothing() {
    new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(SluiceAutoConfiguration.class, SluiceEndpointAutoConfiguration.class))
        .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(Sluice.class).doesNotHaveBean(SluiceEndpoint.class));
  }

  /** A Spring AI model bean, as Spring AI's auto-configuration would make one. */
  static final class HouseChatModel implements org.springframework.ai.chat.model.ChatModel {
    final List<org.springframework.ai.chat.prompt.Prompt> prompts = new java.util.concurrent.CopyOnWriteArrayList<>();

    @Override
    public org.springframework.ai.chat.model.ChatResponse call(org.springframework.ai.chat.prompt.Prompt prompt) {
      prompts.add(prompt);
      return new org.springframework.ai.chat.model.ChatResponse(List.of(new org.springframework.ai.chat.model.Generation(
          new org.springframework.ai.chat.messages.AssistantMessage("From Spring AI."))),
          org.springframework.ai.chat.metadata.ChatResponseMetadata.builder().model("gpt-4o-mini")
              .usage(new org.springframework.ai.chat.metadata.DefaultUsage(11, 4)).build());
    }
  }

  @Test
  void aVariantsClientMayBeASpringAiChatModelBean() {
    new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(SluiceAutoConfiguration.class))
        .withBean("springAiModel", HouseChatModel.class)
        .withBean(SimpleMeterRegistry.class)
        .withPropertyValues("sluice.evaluate-every=0s", "sluice.routes[0].name=ask", "sluice.routes[0].variants[0].id=v1",
            "sluice.routes[0].variants[0].model=gpt-4o-mini", "sluice.routes[0].variants[0].client.ref=springAiModel")
        .run(context -> {
          assertThat(context).hasNotFailed();
          Sluice sluice = context.getBean(Sluice.class);
          var answer = sluice.call("ask", dev.sluice.model.ChatRequest.ofUser("hi"), dev.sluice.subject.Subject.of("u"));
          assertThat(answer.text()).isEqualTo("From Spring AI.");
          assertThat(answer.usage().inputTokens()).isEqualTo(11);
          assertThat(sluice.route("ask").baseline().client().provider()).as("from the class: HouseChatModel").isEqualTo("house");
          assertThat(context.getBean(HouseChatModel.class).prompts).hasSize(1);
        });
  }

  @Test
  void aMethodReturningAFluxStreamsThroughTheRoute() {
    runner.withBean(Beans.StreamingAssistant.class).run(context -> {
      assertThat(context).hasNotFailed();
      Beans.StreamingAssistant assistant = context.getBean(Beans.StreamingAssistant.class);
      assertThat(AopUtils.isAopProxy(assistant)).isTrue();

      reactor.core.publisher.Flux<String> answer = assistant.stream("u1", "How do I reset my password?");
      MeterRegistry registry = context.getBean(MeterRegistry.class);
      assertThat(registry.find("sluice.calls").counters().stream().mapToDouble(c -> c.count()).sum())
          .as("cold: nothing runs before subscribing").isZero();
      assertThat(String.join("", answer.collectList().block(java.time.Duration.ofSeconds(10))))
          .isEqualTo("Open Settings, then Security.");
      assertThat(registry.get("sluice.calls").tag("route", "support-answer").tag("outcome", "success").counter().count()).isEqualTo(1);
    });
  }

  @Test
  void theAspectRoutesBeanMethodsOfClassesAndInterfaces() {
    runner.withBean(Beans.ClassAssistant.class).withBean(Beans.TicketTriageBean.class).run(context -> {
      assertThat(context).hasNotFailed();
      Sluice sluice = context.getBean(Sluice.class);
      Beans.ClassAssistant assistant = context.getBean(Beans.ClassAssistant.class);
      assertThat(AopUtils.isAopProxy(assistant)).isTrue();

      assertThat(assistant.answer("u1", "acme", "How do I reset my password?")).isEqualTo("support-v7 | Open Settings, then Security.");
      sluice.rollout("support-answer").pin("v2", "test", "try the candidate");
      assertThat(assistant.answer("u1", "acme", "How do I reset my password?")).isEqualTo("support-v8 | Candidate: open Settings.");
      Beans.HouseModel house = context.getBean(Beans.HouseModel.class);
      assertThat(house.requests).singleElement().satisfies(r -> assertThat(r.model()).isEqualTo("gpt-4.1-mini"));

      Beans.TicketTriage triage = context.getBean(Beans.TicketTriage.class);
      assertThat(triage.triage("u2", "printer on fire")).isEqualTo("triaged by v2");
      AopTestUtils.<Beans.TicketTriageBean>getTargetObject(context.getBean(Beans.TicketTriageBean.class)).fail = true;
      assertThat(triage.triage("u2", "printer on fire")).isEqualTo("queued for a person: triage model is down");
      MeterRegistry registry = context.getBean(MeterRegistry.class);
      assertThat(registry.get("sluice.calls").tag("route", "support-answer").counters().stream().mapToDouble(c -> c.count()).sum())
          .isEqualTo(4);
    });
  }

  @Test
  void misuseFailsAtStartupNamingTheMethod() {
    runner.withBean(Beans.BrokenAssistant.class).run(context -> assertThat(context).hasFailed().getFailure()
        .rootCause().hasMessageContaining("BrokenAssistant.answer(String)").hasMessageContaining("sorry(String, Throwable)"));
  }

  @Test
  void theEndpointExistsOnlyWhenExposedAndReadsAndToggles() {
    runner.run(context -> assertThat(context).doesNotHaveBean(SluiceEndpoint.class));
    runner.withPropertyValues("management.endpoints.web.exposure.include=sluice").run(context -> {
      SluiceEndpoint endpoint = context.getBean(SluiceEndpoint.class);
      Sluice sluice = context.getBean(Sluice.class);
      @SuppressWarnings("unchecked")
      Map<String, Object> route = (Map<String, Object>) ((Map<String, Object>) endpoint.routes().get("routes")).get("support-answer");
      assertThat(route).containsEntry("baseline", "v1").containsEntry("candidate", "v2");
      assertThat(((Map<?, ?>) route.get("rollout")).get("stage")).isEqualTo("canary");
      assertThat(((Map<?, ?>) ((Map<?, ?>) route.get("variants")).get("v1")).get("breaker")).isEqualTo("closed");
      assertThat((List<?>) route.get("budgets")).hasSize(1);

      endpoint.toggle("support-answer", "percent", null, 5.0, "ann", "INC-1: hold at 5%", null, SecurityContext.NONE);
      assertThat(sluice.rollout("support-answer").toggles().percentOverride()).isEqualTo(5.0);
      endpoint.toggle("support-answer", "pin", "v1", null, "ann", "compare by hand", null, SecurityContext.NONE);
      assertThat(sluice.rollout("support-answer").toggles().pinned()).isEqualTo("v1");
      endpoint.toggle("support-answer", "pause", null, null, null, null, null, SecurityContext.NONE);
      assertThat(sluice.rollout("support-answer").state().paused()).isTrue();
      Map<String, Object> after = endpoint.toggle("support-answer", "rollback", null, null, "ann", "answers in the wrong language", null, SecurityContext.NONE);
      assertThat(sluice.rollout("support-answer").state().rolledBack()).isTrue();
      assertThat((List<?>) after.get("history")).isNotEmpty();
      assertThat(after.get("history").toString()).contains("answers in the wrong language");

      assertThatThrownBy(() -> endpoint.toggle("support-answer", "explode", null, null, null, null, null, SecurityContext.NONE))
          .isInstanceOf(InvalidEndpointRequestException.class).hasMessageContaining("kill").hasMessageContaining("rollback");
      assertThatThrownBy(() -> endpoint.route("nope")).isInstanceOf(InvalidEndpointRequestException.class).hasMessageContaining("support-answer");
      assertThatThrownBy(() -> endpoint.toggle("support-answer", "pin", "v9", null, null, null, null, SecurityContext.NONE)).isInstanceOf(InvalidEndpointRequestException.class);
    });
  }

  /**
   * {@code sluice.releases.directory} in the application's properties: a release file naming one of
   * the application's beans is published while the context runs, once the configured candidate's
   * rollout is out of its way.
   */
  @Test
  void aReleaseDirectoryInTheApplicationsPropertiesPublishesWhileItRuns(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws IOException {
    java.nio.file.Files.writeString(dir.resolve("v3.yaml"), "route: support-answer\nid: v3\nmodel: gpt-4.1-nano\n"
        + "client: {ref: houseModel}\nsystem_prompt: Answer for {{tenant}}.\nlabels: {prompt_version: support-v9}\n");
    runner.withPropertyValues("sluice.releases.directory=" + dir, "sluice.releases.poll=20ms").run(context -> {
      Sluice sluice = context.getBean(Sluice.class);
      assertThat(sluice.route("support-answer").candidate().orElseThrow().id()).as("v2 is rolling out: v3 waits").isEqualTo("v2");
      sluice.rollout("support-answer").rollback("ann", "make room for v3");
      long deadline = System.nanoTime() + java.time.Duration.ofSeconds(10).toNanos();
      while (!sluice.route("support-answer").candidate().map(v -> v.id().equals("v3")).orElse(false)) {
        assertThat(System.nanoTime()).as("v3 published by the next scans").isLessThan(deadline);
        java.util.concurrent.locks.LockSupport.parkNanos(java.time.Duration.ofMillis(5).toNanos());
      }
      assertThat(sluice.route("support-answer").candidate().orElseThrow().client()).isSameAs(context.getBean("houseModel"));
      assertThat(sluice.releases().history("support-answer")).extracting(e -> e.kind()).containsExactly("refused", "published");
    });
  }

  /** The endpoint's write operation as Spring invokes it: parameters bound from the request by name. */
  static ReflectiveOperationInvoker writeOperation(SluiceEndpoint endpoint) {
    java.lang.reflect.Method toggle = java.util.Arrays.stream(SluiceEndpoint.class.getMethods())
        .filter(m -> m.getName().equals("toggle")).findFirst().orElseThrow();
    return new ReflectiveOperationInvoker(endpoint, new OperationMethod(toggle, OperationType.WRITE), new ConversionServiceParameterValueMapper());
  }

  /** A release published and rolled back through the actuator, as Spring binds a POST body, without a restart. */
  @Test
  void theEndpointPublishesAReleaseAndRollsBackToAnEarlierOne() {
    runner.withPropertyValues("management.endpoints.web.exposure.include=sluice").run(context -> {
      SluiceEndpoint endpoint = context.getBean(SluiceEndpoint.class);
      Sluice sluice = context.getBean(Sluice.class);
      ReflectiveOperationInvoker invoker = writeOperation(endpoint);
      String v3 = "id: v3\nmodel: gpt-4.1-nano\nclient: {ref: houseModel}\nsystem_prompt: You answer for {{tenant}}.\n"
          + "labels: {prompt_version: support-v9}\n";
      // v2 is rolling out: a second candidate is refused, saying which.
      assertThatThrownBy(() -> invoker.invoke(new InvocationContext(SecurityContext.NONE,
          Map.of("route", "support-answer", "action", "publish", "release", v3, "who", "ann", "why", "tenant-aware prompt"))))
          .isInstanceOf(InvalidEndpointRequestException.class).hasMessageContaining("release 'v2' is rolling out");
      sluice.rollout("support-answer").rollback("ann", "make room for v3");
      invoker.invoke(new InvocationContext(SecurityContext.NONE,
          Map.of("route", "support-answer", "action", "publish", "release", v3, "who", "ann", "why", "tenant-aware prompt")));
      assertThat(sluice.route("support-answer").candidate().orElseThrow().id()).isEqualTo("v3");
      assertThat(sluice.route("support-answer").candidate().orElseThrow().variables()).containsExactly("tenant");
      @SuppressWarnings("unchecked")
      Map<String, Object> after = (Map<String, Object>) invoker.invoke(new InvocationContext(SecurityContext.NONE,
          Map.of("route", "support-answer", "action", "rollback_to", "variant", "v1", "why", "INC-2")));
      assertThat(sluice.route("support-answer").baseline().id()).isEqualTo("v1");
      assertThat(sluice.route("support-answer").candidate()).isEmpty();
      assertThat(after.get("release_history").toString()).contains("tenant-aware prompt", "INC-2", "published", "rolled_back_to");
      assertThat(after.get("releases").toString()).contains("v3=rolled_back");
    });
  }

  /** Through Spring's own operation invoker: optional parameters may be left out, and the principal signs the change. */
  @Test
  void theEndpointTakesOptionalParametersAsSpringBindsThemAndWhoFromThePrincipal() {
    runner.withPropertyValues("management.endpoints.web.exposure.include=sluice").run(context -> {
      SluiceEndpoint endpoint = context.getBean(SluiceEndpoint.class);
      Sluice sluice = context.getBean(Sluice.class);
      ReflectiveOperationInvoker invoker = writeOperation(endpoint);
      SecurityContext ann = new SecurityContext() {
        @Override
        public java.security.Principal getPrincipal() {
          return () -> "ann@ops";
        }

        @Override
        public boolean isUserInRole(String role) {
          return true;
        }
      };
      invoker.invoke(new InvocationContext(ann, Map.of("route", "support-answer", "action", "kill", "who", "mallory")));
      assertThat(sluice.rollout("support-answer").toggles().killed()).isTrue();
      assertThat(sluice.rollout("support-answer").history().get(sluice.rollout("support-answer").history().size() - 1).toString())
          .contains("ann@ops").doesNotContain("mallory");
      invoker.invoke(new InvocationContext(SecurityContext.NONE, Map.of("route", "support-answer", "action", "unkill")));
      invoker.invoke(new InvocationContext(SecurityContext.NONE, Map.of("route", "support-answer", "action", "percent", "percent", "5")));
      assertThat(sluice.rollout("support-answer").toggles().percentOverride()).isEqualTo(5.0);
      invoker.invoke(new InvocationContext(SecurityContext.NONE, Map.of("route", "support-answer", "action", "percent")));
      assertThat(sluice.rollout("support-answer").toggles().percentOverride()).as("no percent clears the override").isNull();
    });
  }
}
