package dev.sluice.openai;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.sluice.Route;
import dev.sluice.Sluice;
import dev.sluice.budget.BudgetCap;
import dev.sluice.budget.BudgetPeriod;
import dev.sluice.budget.BudgetPolicy;
import dev.sluice.budget.BudgetScope;
import dev.sluice.budget.BudgetStanding;
import dev.sluice.budget.InMemoryBudgetLedger;
import dev.sluice.model.ChatMessage;
import dev.sluice.model.ChatRequest;
import dev.sluice.model.ModelParameters;
import dev.sluice.model.Role;
import dev.sluice.model.TokenUsage;
import dev.sluice.outcome.SluiceException;
import dev.sluice.pricing.ModelPrice;
import dev.sluice.pricing.PriceTable;
import dev.sluice.release.Variant;
import dev.sluice.resilience.ResiliencePolicy;
import dev.sluice.subject.Subject;
import dev.sluice.tokens.TokenCounter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * A provider on 127.0.0.1 that bills what it generates, as a real one does, and answers in every
 * way that used to let the ledger under-count: attempts cut by a timeout or a reset, usage missing
 * or absurd, a cheaper model named in the answer, tool schemas in the request. The dollar cap is
 * never exceeded by the provider's bill, and the ledger never reads less than the bill.
 */
class BillingAttackTest {

  static final ObjectMapper JSON = new ObjectMapper();
  static final ModelPrice GPT_4O = PriceTable.bundled().price("gpt-4o").orElseThrow();
  static final int MAX_OUTPUT = 200;

  /** The provider's own bill, in nano-dollars, at the requested model's price. */
  final AtomicLong billed = new AtomicLong();
  final AtomicInteger requests = new AtomicInteger();
  /** Which way the provider answers: 0 honest, 1 too late, 2 reset mid-body, 3 no usage, 4 absurd usage, 5 a cheaper model named. */
  volatile int mode;

  void bill(long input, long output) {
    billed.addAndGet(GPT_4O.cost(TokenUsage.of(input, output)).nanoUsd());
  }

  HttpServer provider() throws IOException {
    ExecutorService pool = Executors.newCachedThreadPool();
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(pool);
    server.createContext("/v1/chat/completions", exchange -> {
      try {
        answer(exchange);
      } finally {
        exchange.close();
      }
    });
    server.start();
    return server;
  }

  private void answer(HttpExchange exchange) throws IOException {
    JsonNode body = JSON.readTree(exchange.getRequestBody().readAllBytes());
    List<ChatMessage> messages = new ArrayList<>();
    for (JsonNode m : body.path("messages")) {
      messages.add(new ChatMessage(Role.valueOf(m.path("role").asText().toUpperCase(java.util.Locale.ROOT)), m.path("content").asText()));
    }
    long input = TokenCounter.shared().countInput("gpt-4o", messages);
    for (JsonNode t : body.path("tools")) {
      input += TokenCounter.shared().count("gpt-4o", t.path("function").path("parameters").toString());
    }
    int n = requests.getAndIncrement();
    long output = 20 + n % 150;
    switch (mode) {
      case 0 -> { // honest
        bill(input, output);
        send(exchange, completion("gpt-4o", "\"usage\":{\"prompt_tokens\":" + input + ",\"completion_tokens\":" + output + "}"));
      }
      case 1 -> { // generates everything, answers too late: the attempt times out
        bill(input, MAX_OUTPUT);
        FaultServer.sleep(400);
        send(exchange, completion("gpt-4o", "\"usage\":{\"prompt_tokens\":" + input + ",\"completion_tokens\":" + MAX_OUTPUT + "}"));
      }
      case 2 -> { // generates, then the connection breaks mid-body
        bill(input, MAX_OUTPUT);
        byte[] full = completion("gpt-4o", "\"usage\":{\"prompt_tokens\":" + input + ",\"completion_tokens\":" + MAX_OUTPUT + "}")
            .getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(200, full.length);
        OutputStream out = exchange.getResponseBody();
        out.write(full, 0, full.length / 2);
        out.flush();
        throw new IOException("connection broken on purpose");
      }
      case 3 -> { // no usage at all
        bill(input, output);
        send(exchange, completion("gpt-4o", null));
      }
      case 4 -> { // absurd usage
        bill(input, output);
        send(exchange, completion("gpt-4o", "\"usage\":{\"prompt_tokens\":1000000000000,\"completion_tokens\":" + output + "}"));
      }
      default -> { // names a cheaper model than it ran
        bill(input, output);
        send(exchange, completion("gpt-4o-mini", "\"usage\":{\"prompt_tokens\":" + input + ",\"completion_tokens\":" + output + "}"));
      }
    }
  }

  static String completion(String model, String usage) {
    return "{\"model\":\"" + model + "\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"ok\"},"
        + "\"finish_reason\":\"stop\"}]" + (usage == null ? "" : "," + usage) + "}";
  }

  static void send(HttpExchange exchange, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "application/json");
    exchange.sendResponseHeaders(200, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Test
  void theProvidersBillNeverExceedsTheCapAndTheLedgerNeverReadsLess() throws Exception {
    HttpServer server = provider();
    List<String> problems = new ArrayList<>();
    try {
      for (int m = 0; m < 6; m++) {
        mode = m;
        billed.set(0);
        OpenAiCompatibleClient client = OpenAiCompatibleClient.builder()
            .baseUrl("http://127.0.0.1:" + server.getAddress().getPort() + "/v1").build();
        BudgetCap cap = BudgetCap.usd(BudgetScope.ROUTE, BudgetPeriod.DAY, "0.03");
        Sluice s = Sluice.builder()
            .route(Route.builder("r").baseline(Variant.builder("v1").client(client).model("gpt-4o").build())
                .budget(BudgetPolicy.builder().cap(cap).build())
                .resilience(ResiliencePolicy.builder().maxAttempts(2).attemptTimeout(Duration.ofMillis(150)).deadline(Duration.ofSeconds(5))
                    .backoff(Duration.ofMillis(1), 1, Duration.ofMillis(1), 0).failOnTruncatedOutput(false).build()).build())
            .meterRegistry(new SimpleMeterRegistry()).auditSink(e -> { }).build();
        String schema = "{\"type\":\"object\",\"properties\":{\"q\":{\"type\":\"string\",\"description\":\"" + "what to look up ".repeat(40) + "\"}}}";
        int rejected = 0;
        for (int i = 0; i < 40 && rejected < 3; i++) {
          ChatRequest request = ChatRequest.builder().user("Question " + i + ": " + "tell me about my order ".repeat(30))
              .parameters(ModelParameters.builder().maxOutputTokens(MAX_OUTPUT).build())
              .tool(new dev.sluice.model.ToolDefinition("lookup", "Looks things up", schema)).build();
          try {
            s.call("r", request, Subject.of("u"));
          } catch (dev.sluice.outcome.BudgetExceededException e) {
            rejected++;
          } catch (SluiceException expected) {
            // timeouts and broken connections are part of the attack
          }
        }
        BudgetStanding standing = s.budgetStandings("r").get(0);
        if (rejected == 0) {
          problems.add("mode " + m + ": the cap never bound");
        }
        if (billed.get() > cap.limit()) {
          problems.add("mode " + m + ": the provider billed " + billed.get() + " nano-USD over a cap of " + cap.limit());
        }
        if (standing.spent() < billed.get()) {
          problems.add("mode " + m + ": the ledger reads " + standing.spent() + " nano-USD for a bill of " + billed.get());
        }
        if (standing.reserved() != 0 || ((InMemoryBudgetLedger) s.ledger()).totalReserved() != 0) {
          problems.add("mode " + m + ": a reservation was left behind");
        }
        s.close();
      }
    } finally {
      server.stop(0);
    }
    assertThat(problems).isEmpty();
  }
}
