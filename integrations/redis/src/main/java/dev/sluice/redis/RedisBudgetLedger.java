package dev.sluice.redis;

import dev.sluice.budget.BudgetLedger;
import dev.sluice.budget.Reservation;
import dev.sluice.budget.ReserveResult;
import dev.sluice.time.TimeSource;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A budget ledger shared by every replica of a service, on Redis: a cap of $100 a day is $100 for
 * the fleet, not per pod. Same contract as the in-memory ledger, one script per operation:
 *
 * <ul>
 *   <li><b>reserve</b> checks and reserves every line or none in one Lua script (one round trip);
 *   <li><b>settle</b> turns a reservation into spend in another; a retried settle changes nothing
 *       (the reservation's entry is gone), so a settle may be retried safely;
 *   <li>every reservation is a <b>lease</b> ({@link Builder#leaseTime}, default 10 minutes): a pod
 *       that dies mid-call leaves reservations that give themselves back when the lease expires (the
 *       next script to touch the account returns them). A settle that arrives after its lease
 *       expired still counts its spend, once. Keep the lease longer than any call can take;
 *   <li>if Redis cannot be reached, {@code reserve} <b>fails closed</b>: it throws
 *       {@link LedgerUnavailableException} and the call is not made (give the client
 *       {@code ClientOptions.DisconnectedBehavior.REJECT_COMMANDS}, or Lettuce holds commands until it
 *       reconnects or its command timeout passes). A settle that cannot reach
 *       Redis is kept and sent again before the next operation (settles are idempotent), so no
 *       spend is lost; {@link #pendingSettles()} says how many wait.
 * </ul>
 *
 * <p>Keys: {@code <prefix>{<account>}} (a hash: spent, reserved) and three companions per
 * account, plus {@code <prefix>reservations} (the id counter); an account's keys expire a day
 * after its period. Times come from this process's {@link TimeSource} (lease expiry tolerates
 * clock skew of seconds between pods). One Redis server or a Sentinel-managed primary: a
 * reservation over several accounts touches several keys, which Redis Cluster would place in
 * several slots.
 *
 * <pre>{@code
 * RedisClient redis = RedisClient.create("redis://127.0.0.1:6379");
 * Sluice sluice = Sluice.builder()
 *     .ledger(RedisBudgetLedger.builder(redis).keyPrefix("checkout:").build())
 *     ...
 * }</pre>
 *
 * <p>Thread-safe: one Lettuce connection (thread-safe, pipelined) serves every thread.
 */
public final class RedisBudgetLedger implements BudgetLedger, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(RedisBudgetLedger.class);

  private final StatefulRedisConnection<String, String> connection;
  private final boolean ownsConnection;
  private final String prefix;
  private final long leaseMillis;
  private final TimeSource time;
  private final Script reserve;
  private final Script settle;
  private final Script balance;
  private final Queue<PendingSettle> pending = new ConcurrentLinkedQueue<>();

  private record PendingSettle(Reservation reservation, long[] actual) {}

  private RedisBudgetLedger(Builder b) {
    this.connection = b.connection != null ? b.connection : Objects.requireNonNull(b.client).connect();
    this.ownsConnection = b.connection == null;
    this.prefix = b.keyPrefix;
    this.leaseMillis = b.leaseTime.toMillis();
    this.time = b.time;
    this.reserve = new Script("reserve.lua");
    this.settle = new Script("settle.lua");
    this.balance = new Script("balance.lua");
  }

  /** A ledger on its own connection from {@code client}, closed with the ledger. */
  public static Builder builder(RedisClient client) {
    return new Builder(Objects.requireNonNull(client, "client"), null);
  }

  /** A ledger on the application's connection (not closed with the ledger). */
  public static Builder builder(StatefulRedisConnection<String, String> connection) {
    return new Builder(null, Objects.requireNonNull(connection, "connection"));
  }

  @Override
  public ReserveResult reserve(List<Line> lines) {
    flushPendingSettles();
    int n = lines.size();
    String[] keys = new String[1 + 4 * n];
    String[] args = new String[2 + 3 * n];
    keys[0] = prefix + "reservations";
    args[0] = Long.toString(time.now().toEpochMilli());
    args[1] = Long.toString(leaseMillis);
    for (int i = 0; i < n; i++) {
      Line l = lines.get(i);
      accountKeys(l.account(), keys, 1 + 4 * i);
      args[2 + 3 * i] = Long.toString(l.amount());
      args[3 + 3 * i] = Long.toString(l.limit());
      args[4 + 3 * i] = Long.toString(l.expiresAt().toEpochMilli());
    }
    List<Object> r = run(reserve, ScriptOutputType.MULTI, keys, args);
    if (number(r, 0) == 0) {
      return ReserveResult.denied((int) number(r, 1), new Balance(number(r, 2), number(r, 3)));
    }
    long[] usedAfter = new long[n];
    for (int i = 0; i < n; i++) {
      usedAfter[i] = number(r, 2 + i);
    }
    return ReserveResult.granted(new Reservation(number(r, 1), lines), usedAfter);
  }

  @Override
  public void settle(Reservation reservation, long[] actual) {
    List<Line> lines = reservation.lines();
    if (actual.length != lines.size()) {
      throw new IllegalArgumentException("settle needs one actual amount per line: " + lines.size() + ", got " + actual.length);
    }
    try {
      flushPendingSettles();
      send(reservation, actual);
    } catch (LedgerUnavailableException e) {
      // Kept behind the ones already waiting, so that settles reach Redis in the order they were made.
      pending.add(new PendingSettle(reservation, actual.clone()));
      log.warn("settle of reservation {} could not reach Redis; kept ({} waiting), and sent again before the next operation",
          reservation.id(), pending.size(), e);
    }
  }

  @Override
  public void release(Reservation reservation) {
    settle(reservation, new long[reservation.lines().size()]);
  }

  @Override
  public Balance balance(String account) {
    String[] keys = new String[4];
    accountKeys(account, keys, 0);
    List<Object> r = run(balance, ScriptOutputType.MULTI, keys, new String[] {Long.toString(time.now().toEpochMilli())});
    return new Balance(number(r, 0), number(r, 1));
  }

  /** Settles that could not reach Redis and wait to be sent again. */
  public int pendingSettles() {
    return pending.size();
  }

  /** Sends settles kept while Redis was unreachable; stops at the first that still fails. */
  public void flushPendingSettles() {
    PendingSettle p;
    while ((p = pending.peek()) != null) {
      send(p.reservation(), p.actual());
      pending.remove(p);
    }
  }

  private void send(Reservation reservation, long[] actual) {
    List<Line> lines = reservation.lines();
    String[] keys = new String[4 * lines.size()];
    String[] args = new String[1 + lines.size()];
    args[0] = Long.toString(reservation.id());
    for (int i = 0; i < lines.size(); i++) {
      accountKeys(lines.get(i).account(), keys, 4 * i);
      args[1 + i] = Long.toString(Math.max(0, actual[i]));
    }
    run(settle, ScriptOutputType.INTEGER, keys, args);
  }

  private void accountKeys(String account, String[] keys, int at) {
    String base = RedisKeys.key(prefix, account);
    keys[at] = base;
    keys[at + 1] = base + ":leases";
    keys[at + 2] = base + ":amounts";
    keys[at + 3] = base + ":expired";
  }

  /** Runs a loaded script (loading it again once if the server forgot it); any Redis failure is the ledger's. */
  private <T> T run(Script script, ScriptOutputType output, String[] keys, String[] args) {
    try {
      try {
        return connection.sync().evalsha(script.sha(connection), output, keys, args);
      } catch (RedisNoScriptException e) {
        script.forget(); // the server restarted or flushed its scripts: load again, once
        return connection.sync().evalsha(script.sha(connection), output, keys, args);
      }
    } catch (RedisException e) {
      throw new LedgerUnavailableException("the Redis budget ledger could not run " + script.name + ": " + e.getMessage(), e);
    }
  }

  private static long number(List<Object> r, int i) {
    return ((Number) r.get(i)).longValue();
  }

  /** Closes the connection if the ledger opened it; settles still pending are sent first if Redis answers. */
  @Override
  public void close() {
    try {
      flushPendingSettles();
    } catch (LedgerUnavailableException e) {
      log.warn("{} settle(s) could not be sent before close: their reservations return when their leases expire, their spend is lost",
          pending.size(), e);
    }
    if (ownsConnection) {
      connection.close();
    }
  }

  @Override
  public String toString() {
    return "RedisBudgetLedger[prefix=" + prefix + ", lease=" + Duration.ofMillis(leaseMillis) + "]";
  }

  /** A Lua script from this package's resources, loaded into the server's script cache on first use. */
  private static final class Script {
    final String name;
    final String source;
    private volatile String sha;

    Script(String name) {
      this.name = name;
      this.source = resource("leases.lua") + "\n" + resource(name);
    }

    String sha(StatefulRedisConnection<String, String> connection) {
      String s = sha;
      if (s == null) {
        s = connection.sync().scriptLoad(source);
        sha = s;
      }
      return s;
    }

    void forget() {
      sha = null;
    }

    private static String resource(String name) {
      try (InputStream in = RedisBudgetLedger.class.getResourceAsStream(name)) {
        if (in == null) {
          throw new IllegalStateException(name + " is missing from the sluice-redis jar");
        }
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /** Builds a {@link RedisBudgetLedger}. */
  public static final class Builder {
    private final RedisClient client;
    private final StatefulRedisConnection<String, String> connection;
    private String keyPrefix = "sluice:budget:";
    private Duration leaseTime = Duration.ofMinutes(10);
    private TimeSource time = TimeSource.system();

    private Builder(RedisClient client, StatefulRedisConnection<String, String> connection) {
      this.client = client;
      this.connection = connection;
    }

    /** Prepended to every key (default {@code sluice:budget:}): one prefix per fleet sharing a Redis. */
    public Builder keyPrefix(String keyPrefix) {
      this.keyPrefix = RedisKeys.checkedPrefix(keyPrefix);
      return this;
    }

    /** How long a reservation holds without a settle before it gives itself back (default 10 minutes). */
    public Builder leaseTime(Duration leaseTime) {
      if (leaseTime.isNegative() || leaseTime.isZero()) {
        throw new IllegalArgumentException("leaseTime must be positive, got " + leaseTime);
      }
      this.leaseTime = leaseTime;
      return this;
    }

    /** The clock for lease expiry (default the system's). */
    public Builder timeSource(TimeSource time) {
      this.time = Objects.requireNonNull(time, "time");
      return this;
    }

    public RedisBudgetLedger build() {
      return new RedisBudgetLedger(this);
    }
  }
}
