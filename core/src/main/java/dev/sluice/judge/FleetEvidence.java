package dev.sluice.judge;

import dev.sluice.pipeline.CallRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A judge's evidence in a fleet: what this instance's calls showed goes to an outbox per route
 * scope and is added to the {@link EvidenceExchange} about once a second by the calls' own clock,
 * each window (stage, stratum, segment) to its own totals; the judge reads the fleet's totals back.
 * What the exchange fails to take is kept and added with the next send, whatever the stage.
 */
final class FleetEvidence {

  private static final Logger log = LoggerFactory.getLogger(FleetEvidence.class);
  /** How often, by the calls' own clock, an instance adds its evidence to the exchange. */
  static final Duration PUBLISH_EVERY = Duration.ofSeconds(1);

  private final EvidenceExchange exchange;
  /** Per route scope, this instance's evidence not yet added to the exchange. */
  private final ConcurrentHashMap<String, Outbox> outboxes = new ConcurrentHashMap<>();

  FleetEvidence(EvidenceExchange exchange) {
    this.exchange = exchange;
  }

  EvidenceExchange exchange() {
    return exchange;
  }

  /**
   * Adds a call to the scope's outbox under window {@code key}, and sends the outbox when a second
   * has passed since it was last sent. The calls this instance has seen in the call's arm at the
   * stage (for the looks).
   */
  long add(String scope, CallRecord call, String key, @Nullable Double quality) {
    Outbox o = outboxes.computeIfAbsent(scope, k -> new Outbox(call.stage(), call.at()));
    synchronized (o) {
      if (!o.stage.equals(call.stage())) {
        o.stage = call.stage();
        o.seen[0] = 0;
        o.seen[1] = 0;
      }
      o.delta(key).add(call, quality);
      long seen = ++o.seen[call.candidate() ? 1 : 0];
      if (!call.at().isBefore(o.nextSend)) {
        o.nextSend = call.at().plus(PUBLISH_EVERY);
        send(scope, o);
      }
      return seen;
    }
  }

  /** Adds a score that arrived after its call to the call's own window, of whatever stage; it goes with the next send. */
  void addQuality(String scope, String window, boolean candidate, double score, int subjectGroup, Instant at) {
    Outbox o = outboxes.computeIfAbsent(scope, k -> new Outbox(new StageWindow(window).stage(), at));
    synchronized (o) {
      o.delta(window).addQuality(candidate, score, subjectGroup);
    }
  }

  /** The fleet's windows for a scope's window keys, this instance's outbox sent first; null if the exchange cannot be read. */
  @Nullable List<StageWindow> read(String scope, List<String> keys) {
    Outbox o = outboxes.get(scope);
    if (o != null) {
      CompletableFuture<Void> sent;
      synchronized (o) {
        sent = send(scope, o);
      }
      try {
        sent.get(5, TimeUnit.SECONDS);
      } catch (Exception e) {
        log.debug("{}: this instance's latest evidence could not be added before judging", scope, e);
      }
    }
    List<StageWindow> out = new ArrayList<>(keys.size());
    for (String key : keys) {
      Map<String, Double> totals;
      try {
        totals = exchange.totals(scope, key);
      } catch (RuntimeException e) {
        log.warn("{}: the fleet's judge evidence could not be read; holding", scope, e);
        return null;
      }
      out.add(StageWindow.of(key, totals));
    }
    return out;
  }

  /**
   * Sends the outbox's evidence, each window to its own totals (with any that failed before); what
   * fails to be added is kept for the next send. Under the outbox's lock.
   */
  private CompletableFuture<Void> send(String scope, Outbox o) {
    Map<String, Map<String, Double>> batches = new HashMap<>(o.failed);
    o.failed.clear();
    for (Map.Entry<String, StageWindow> e : o.deltas.entrySet()) {
      e.getValue().exportTo(batches.computeIfAbsent(e.getKey(), k -> new HashMap<>()));
    }
    o.deltas = new HashMap<>();
    List<CompletableFuture<Void>> all = new ArrayList<>();
    for (Map.Entry<String, Map<String, Double>> b : batches.entrySet()) {
      String key = b.getKey();
      Map<String, Double> amounts = b.getValue();
      if (amounts.isEmpty()) {
        continue;
      }
      CompletionStage<Void> sent;
      try {
        sent = exchange.add(scope, key, amounts);
      } catch (RuntimeException e) {
        sent = CompletableFuture.failedFuture(e);
      }
      all.add(sent.whenComplete((v, failure) -> {
        if (failure != null) {
          synchronized (o) {
            Map<String, Double> kept = o.failed.computeIfAbsent(key, k -> new HashMap<>());
            amounts.forEach((field, x) -> kept.merge(field, x, Double::sum));
          }
          log.debug("{}: judge evidence not added to the fleet's yet ({}); kept for the next send", scope, failure.toString());
        }
      }).toCompletableFuture());
    }
    return CompletableFuture.allOf(all.toArray(new CompletableFuture<?>[0]));
  }

  /** A scope's evidence not yet added to the exchange, and when it is next sent (by the calls' clock). */
  private static final class Outbox {
    /** The stage of this instance's latest calls (their count restarts with a new one). */
    String stage;
    /** Evidence not yet sent, by window key (feedback may add to an earlier stage's). */
    Map<String, StageWindow> deltas = new HashMap<>();
    Instant nextSend;
    /** Calls seen at the stage by this instance: baseline, candidate. */
    final long[] seen = new long[2];
    /** Amounts the exchange failed to add, by window key, for the next send. */
    final Map<String, Map<String, Double>> failed = new HashMap<>();

    Outbox(String stage, Instant at) {
      this.stage = stage;
      this.nextSend = at.plus(PUBLISH_EVERY);
    }

    StageWindow delta(String key) {
      return deltas.computeIfAbsent(key, StageWindow::new);
    }
  }
}
