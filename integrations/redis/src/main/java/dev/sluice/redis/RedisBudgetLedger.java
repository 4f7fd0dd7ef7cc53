package dev.sluice.redis;

import dev.sluice.budget.BudgetCap;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.jspecify.annotations.Nullable;
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
 *       reconnects or its command timeout passes); or, with {@link Builder#failOpenUpTo}, it grants
 *       reservations on this pod's allowance and charges their spend once Redis answers. A settle that cannot reach
 *       Redis is kept and sent again before the next operation (settles are idempotent), so no
 *       spend is lost; {@link #pendingSettles()} says how many wait.
 * </ul>
 *
 * <p><b>Two modes, chosen per cap.</b> <i>Exact</i> (the default): one round trip to reserve, one
 * to settle, every call. <i>Leased</i> ({@link Builder#leased(BudgetCap, double)}): the pod takes
 * a <i>slice</i> of the account (a fraction of the limit, itself a reservation with a lease) and
 * reserves against it locally; the slice goes back, settled at what its calls spent, when it has
 * no room for the next call, when it has not been drawn on for {@link Builder#sliceIdleTime} (so an
 * idle pod holds nothing), or at {@link #close()}. About two round trips per slice instead of two
 * per call. The cap is never overshot (slices are reserved on Redis under it); the price is that
 * near the cap a call may be refused while other pods hold unused room in their slices, at most a
 * slice per pod (plus slices whose calls are still in flight), for at most the idle time after they
 * stop drawing. Spend reaches Redis when a slice goes back, so {@link #balance} shows a slice in use
 * as reserved, in full. While Redis cannot be reached a pod in leased mode keeps serving from its
 * slice, and fails closed once it needs another.
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
public final class RedisBudgetLedger implements BudgetLedger, MeterBinder, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(RedisBudgetLedger.class);

  private final StatefulRedisConnection<String, String> connection;
  private final boolean ownsConnection;
  private final String prefix;
  private final long leaseMillis;
  private final TimeSource time;
  private final Script reserve;
  private final Script settle;
  private final Script balance;
  private final Script slice;
  private final Script charge;
  private final Queue<PendingSettle> pending = new ConcurrentLinkedQueue<>();
  /** Null unless the ledger fails open up to an allowance while Redis is down. */
  private final OutageAllowance allowance;
  /** Names this ledger's charges on Redis, so that a charge sent twice counts once. */
  private final String podId = java.util.UUID.randomUUID().toString();
  /** Slice fraction per leased cap id; NaN for caps in exact mode unless {@link #defaultSlice} says otherwise. */
  private final Map<String, Double> leasedCaps;
  private final double defaultSlice;
  private final SliceBook slices;
  private final ScheduledFuture<?> sweeps;
  /** Reservations with a leased line, by their (negative) id: what each line drew on. */
  private final ConcurrentHashMap<Long, Held> held = new ConcurrentHashMap<>();
  private final AtomicLong localIds = new AtomicLong();
  private final LongAdder redisCalls = new LongAdder();
  private final LongAdder unreachable = new LongAdder();
  /** Held by a sweep and by close, so that close never shuts the connection under a sweep's give-backs. */
  private final Object sweeping = new Object();
  private boolean closed;

  /** A reservation with leased lines: the slice each leased line drew on, and the exact lines' reservation. */
  private record Held(SliceBook.Slice[] from, Reservation exact, int[] exactLines, boolean onAllowance) {}

  /** A settle to send again, or (chargeId set) spend made on the outage allowance, one line. */
  private record PendingSettle(Reservation reservation, long[] actual, String chargeId) {}

  private RedisBudgetLedger(Builder b) {
    this.connection = b.connection != null ? b.connection : Objects.requireNonNull(b.client).connect();
    this.ownsConnection = b.connection == null;
    this.prefix = b.keyPrefix;
    this.leaseMillis = b.leaseTime.toMillis();
    this.time = b.time;
    this.reserve = new Script("reserve.lua");
    this.settle = new Script("settle.lua");
    this.balance = new Script("balance.lua");
    this.slice = new Script("slice.lua");
    this.charge = new Script("charge.lua");
    this.allowance = b.failOpenFraction > 0 ? new OutageAllowance(b.failOpenFraction) : null;
    this.leasedCaps = Map.copyOf(b.leasedCaps);
    this.defaultSlice = b.defaultSlice;
    boolean leasing = !leasedCaps.isEmpty() || !Double.isNaN(defaultSlice);
    long idle = b.sliceIdleTime.toMillis();
    this.slices = leasing ? new SliceBook(new SlicesOnRedis(), idle, Math.max(idle, leaseMillis / 2)) : null;
    long every = Math.max(50, idle / 2);
    this.sweeps = leasing ? connection.getResources().eventExecutorGroup()
        .scheduleAtFixedRate(this::sweep, every, every, TimeUnit.MILLISECONDS) : null;
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
    try {
      double[] fractions = slices == null ? null : sliceFractions(lines);
      return fractions == null ? reserveExact(lines) : reserveLeased(lines, fractions);
    } catch (LedgerUnavailableException e) {
      boolean first = allowance != null && !allowance.inUse();
      if (allowance == null || !allowance.grant(lines)) {
        throw e;
      }
      long id = -localIds.incrementAndGet();
      held.put(id, new Held(new SliceBook.Slice[lines.size()], null, new int[0], true));
      if (first) {
        log.warn("Redis cannot be reached ({}): reservations are granted on this pod's outage allowance until it answers; "
            + "their spend is charged then", e.getMessage());
      }
      // What the fleet has used is unknown while Redis is down: each line's own amount, a lower bound.
      long[] usedAfter = new long[lines.size()];
      for (int i = 0; i < usedAfter.length; i++) {
        usedAfter[i] = lines.get(i).amount();
      }
      return ReserveResult.granted(new Reservation(id, lines), usedAfter);
    }
  }

  private ReserveResult reserveExact(List<Line> lines) {
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

  /**
   * Leased lines draw on this pod's slices (taking one from Redis when needed); the exact lines, if
   * any, are reserved in one script after them. All or none: a refusal puts back what was drawn.
   */
  private ReserveResult reserveLeased(List<Line> lines, double[] fractions) {
    int n = lines.size();
    SliceBook.Slice[] from = new SliceBook.Slice[n];
    long[] usedAfter = new long[n];
    int exactCount = 0;
    long now = time.now().toEpochMilli();
    try {
      for (int i = 0; i < n; i++) {
        Line l = lines.get(i);
        double fraction = fractions[i];
        if (Double.isNaN(fraction)) {
          exactCount++;
          continue;
        }
        long want = Math.max(l.amount(), (long) Math.ceil(fraction * l.limit()));
        SliceBook.Taken t = slices.draw(l, want, now);
        if (t.slice() == null) {
          undo(lines, from);
          return ReserveResult.denied(i, t.denied());
        }
        from[i] = t.slice();
        usedAfter[i] = t.slice().usedAtTake;
      }
      Reservation exact = null;
      int[] exactLines = new int[exactCount];
      if (exactCount > 0) {
        Line[] sub = new Line[exactCount];
        for (int i = 0, j = 0; i < n; i++) {
          if (from[i] == null) {
            exactLines[j] = i;
            sub[j++] = lines.get(i);
          }
        }
        ReserveResult r = reserveExact(List.of(sub));
        if (!r.isGranted()) {
          undo(lines, from);
          return ReserveResult.denied(exactLines[r.deniedLine()], r.deniedBalance());
        }
        exact = r.reservation();
        for (int j = 0; j < exactCount; j++) {
          usedAfter[exactLines[j]] = r.usedAfter(j);
        }
      }
      long id = -localIds.incrementAndGet();
      held.put(id, new Held(from, exact, exactLines, false));
      return ReserveResult.granted(new Reservation(id, lines), usedAfter);
    } catch (RuntimeException e) {
      undo(lines, from);
      throw e;
    }
  }

  private void undo(List<Line> lines, SliceBook.Slice[] from) {
    for (int i = 0; i < from.length; i++) {
      if (from[i] != null) {
        slices.undo(from[i], lines.get(i).amount());
        from[i] = null;
      }
    }
  }

  /** Each line's slice fraction (NaN for a cap in exact mode), or null when every line is exact. Once per reservation. */
  private double @Nullable [] sliceFractions(List<Line> lines) {
    double[] fractions = new double[lines.size()];
    boolean any = false;
    for (int i = 0; i < fractions.length; i++) {
      fractions[i] = sliceFraction(lines.get(i).account());
      any |= !Double.isNaN(fractions[i]);
    }
    return any ? fractions : null;
  }

  /**
   * The slice fraction for an account's cap ({@code <cap id>|<scope value>|<period>}), NaN for a cap
   * in exact mode; matched in place, without cutting the cap id out of the key on every call.
   */
  private double sliceFraction(String account) {
    for (Map.Entry<String, Double> e : leasedCaps.entrySet()) {
      String cap = e.getKey();
      if (account.startsWith(cap) && (account.length() == cap.length() || account.charAt(cap.length()) == '|')) {
        return e.getValue();
      }
    }
    return defaultSlice;
  }

  @Override
  public void settle(Reservation reservation, long[] actual) {
    List<Line> lines = reservation.lines();
    if (actual.length != lines.size()) {
      throw new IllegalArgumentException("settle needs one actual amount per line: " + lines.size() + ", got " + actual.length);
    }
    if (reservation.id() < 0) {
      settleLeased(reservation, actual);
      return;
    }
    try {
      flushPendingSettles();
      send(reservation, actual);
    } catch (LedgerUnavailableException e) {
      // Kept behind the ones already waiting, so that settles reach Redis in the order they were made.
      pending.add(new PendingSettle(reservation, actual.clone(), null));
      log.warn("settle of reservation {} could not reach Redis; kept ({} waiting), and sent again before the next operation",
          reservation.id(), pending.size(), e);
    }
  }

  /** Settles the leased lines on their slices and the exact lines' reservation; a second settle finds nothing. */
  private void settleLeased(Reservation reservation, long[] actual) {
    Held h = held.remove(reservation.id());
    if (h == null) {
      return;
    }
    List<Line> lines = reservation.lines();
    if (h.onAllowance()) {
      allowance.settled(lines, actual);
      for (int i = 0; i < lines.size(); i++) {
        if (actual[i] > 0) {
          Reservation one = new Reservation(reservation.id(), List.of(lines.get(i)));
          pending.add(new PendingSettle(one, new long[] {actual[i]}, podId + ":" + (-reservation.id()) + ":" + i));
        }
      }
      try {
        flushPendingSettles();
      } catch (LedgerUnavailableException e) {
        log.debug("spend on the outage allowance kept until Redis answers ({} waiting)", pending.size());
      }
      return;
    }
    for (int i = 0; i < lines.size(); i++) {
      if (h.from()[i] != null) {
        slices.settle(h.from()[i], lines.get(i).amount(), actual[i]);
      }
    }
    if (h.exact() != null) {
      long[] exactActual = new long[h.exactLines().length];
      for (int j = 0; j < exactActual.length; j++) {
        exactActual[j] = actual[h.exactLines()[j]];
      }
      settle(h.exact(), exactActual);
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

  /**
   * Its meters, tagged with the key prefix (Sluice binds them to its registry when given this
   * ledger): {@code sluice.fleet.ledger.pending} (settles and outage charges waiting for Redis),
   * {@code sluice.fleet.ledger.slices} (leased slices held), {@code sluice.fleet.ledger.round_trips}
   * and {@code sluice.fleet.ledger.unavailable} (scripts run, and those that could not reach Redis).
   */
  @Override
  public void bindTo(MeterRegistry registry) {
    Gauge.builder("sluice.fleet.ledger.pending", pending, java.util.Collection::size)
        .description("Settles and outage charges waiting for Redis").tag("prefix", prefix).register(registry);
    Gauge.builder("sluice.fleet.ledger.slices", this, RedisBudgetLedger::slicesHeld)
        .description("Slices of leased caps this instance holds").tag("prefix", prefix).register(registry);
    FunctionCounter.builder("sluice.fleet.ledger.round_trips", redisCalls, LongAdder::sum)
        .description("Scripts run on Redis").tag("prefix", prefix).register(registry);
    FunctionCounter.builder("sluice.fleet.ledger.unavailable", unreachable, LongAdder::sum)
        .description("Scripts that could not reach Redis").tag("prefix", prefix).register(registry);
  }

  /** Scripts this ledger has run on Redis, one round trip each: with the calls made, the round trips per call. */
  public long redisCalls() {
    return redisCalls.sum();
  }

  /** Slices of leased caps this pod holds now (current ones and ones whose calls are still in flight). */
  public int slicesHeld() {
    return slices == null ? 0 : slices.held();
  }

  /** Gives back idle slices and sends settles kept while Redis was down; on Lettuce's event threads. */
  void sweep() {
    try {
      synchronized (sweeping) {
        if (closed) {
          return;
        }
        slices.sweep(time.now().toEpochMilli(), false);
        flushPendingSettles();
      }
    } catch (LedgerUnavailableException e) {
      log.debug("Redis unreachable; slices and settles are given back when it answers", e);
    } catch (RuntimeException e) {
      log.warn("giving back idle budget slices failed; retried in a moment", e);
    }
  }

  /** Settles that could not reach Redis and wait to be sent again. */
  public int pendingSettles() {
    return pending.size();
  }

  /** Sends settles kept while Redis was unreachable; stops at the first that still fails. */
  public void flushPendingSettles() {
    PendingSettle p;
    while ((p = pending.peek()) != null) {
      if (p.chargeId() == null) {
        send(p.reservation(), p.actual());
      } else {
        Line l = p.reservation().lines().get(0);
        charge(l.account(), p.chargeId(), p.actual()[0], l.expiresAt());
      }
      pending.remove(p);
    }
  }

  /** Adds spend made on the outage allowance to an account, once per charge id. */
  void charge(String account, String chargeId, long amount, java.time.Instant accountEnds) {
    String[] keys = new String[4];
    accountKeys(account, keys, 0);
    run(charge, ScriptOutputType.INTEGER, keys, new String[] {chargeId, Long.toString(amount),
        Long.toString(accountEnds.toEpochMilli()), Long.toString(time.now().toEpochMilli())});
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
    redisCalls.increment();
    try {
      T result;
      try {
        result = connection.sync().evalsha(script.sha(connection), output, keys, args);
      } catch (RedisNoScriptException e) {
        script.forget(); // the server restarted or flushed its scripts: load again, once
        result = connection.sync().evalsha(script.sha(connection), output, keys, args);
      }
      if (allowance != null && pending.isEmpty() && allowance.inUse()) {
        allowance.reset(); // Redis answers and no charge waits: the next outage has the whole allowance
      }
      return result;
    } catch (RedisException e) {
      unreachable.increment();
      throw new LedgerUnavailableException("the Redis budget ledger could not run " + script.name + ": " + e.getMessage(), e);
    }
  }

  private static long number(List<Object> r, int i) {
    return ((Number) r.get(i)).longValue();
  }

  /**
   * Gives back this pod's slices (so the fleet can use their room at once), sends settles still
   * pending if Redis answers, and closes the connection if the ledger opened it.
   */
  @Override
  public void close() {
    // A sweep under way has taken slices out of the book and is giving them back: it finishes first.
    synchronized (sweeping) {
      if (closed) {
        return;
      }
      closed = true;
      if (slices != null) {
        sweeps.cancel(false);
        slices.sweep(time.now().toEpochMilli(), true);
      }
      try {
        flushPendingSettles();
      } catch (LedgerUnavailableException e) {
        log.warn("{} settle(s) could not be sent before close: their reservations return when their leases expire, their spend is lost",
            pending.size(), e);
      }
    }
    if (ownsConnection) {
      connection.close();
    }
  }

  @Override
  public String toString() {
    return "RedisBudgetLedger[prefix=" + prefix + ", lease=" + Duration.ofMillis(leaseMillis)
        + (slices == null ? "" : ", leased=" + (leasedCaps.isEmpty() ? "" : leasedCaps.keySet())
        + (Double.isNaN(defaultSlice) ? "" : " by default " + defaultSlice)) + "]";
  }

  /** Leased mode's round trips: {@code slice.lua} to take a slice, {@code settle.lua} to give it back. */
  private final class SlicesOnRedis implements SliceBook.Remote {
    @Override
    public SliceBook.Taken take(Line line, long want) {
      flushPendingSettles();
      String[] keys = new String[5];
      keys[0] = prefix + "reservations";
      accountKeys(line.account(), keys, 1);
      long now = time.now().toEpochMilli();
      List<Object> r = run(slice, ScriptOutputType.MULTI, keys, new String[] {Long.toString(now), Long.toString(leaseMillis),
          Long.toString(want), Long.toString(line.amount()), Long.toString(line.limit()), Long.toString(line.expiresAt().toEpochMilli())});
      if (number(r, 0) == 0) {
        return new SliceBook.Taken(null, new Balance(number(r, 1), number(r, 2)));
      }
      Line held = new Line(line.account(), number(r, 2), line.limit(), line.expiresAt());
      return new SliceBook.Taken(new SliceBook.Slice(number(r, 1), held, now, number(r, 3)), null);
    }

    @Override
    public void giveBack(SliceBook.Slice s, long spent) {
      // settle keeps it, to be sent again, if Redis cannot be reached now
      RedisBudgetLedger.this.settle(new Reservation(s.id, List.of(s.line)), new long[] {spent});
    }
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
    private final Map<String, Double> leasedCaps = new HashMap<>();
    private double defaultSlice = Double.NaN;
    private Duration sliceIdleTime = Duration.ofSeconds(1);
    private double failOpenFraction;

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

    /**
     * Puts {@code cap} in leased mode: each pod takes slices of {@code sliceFraction} of its limit
     * (0.01 = 1%) and reserves against them locally. A larger slice means fewer round trips and more
     * room held by busy pods near the cap; the number of calls a slice serves is about
     * {@code sliceFraction × limit / a call's reservation}.
     */
    public Builder leased(BudgetCap cap, double sliceFraction) {
      leasedCaps.put(Objects.requireNonNull(cap, "cap").id(), checkedSlice(sliceFraction));
      return this;
    }

    /** Leased mode, with slices of {@code sliceFraction} of the limit, for every cap not named in {@link #leased}. */
    public Builder leasedByDefault(double sliceFraction) {
      this.defaultSlice = checkedSlice(sliceFraction);
      return this;
    }

    /** How long a slice may go undrawn before it goes back to the fleet (default 1 second). */
    public Builder sliceIdleTime(Duration idle) {
      if (idle.isNegative() || idle.isZero()) {
        throw new IllegalArgumentException("sliceIdleTime must be positive, got " + idle);
      }
      this.sliceIdleTime = idle;
      return this;
    }

    /**
     * While Redis cannot be reached, grant reservations on this pod up to {@code fractionOfLimit}
     * of each account's limit (reserved plus spent in the outage) instead of refusing them; their
     * spend is charged to Redis, once, when it answers. Default 0: fail closed. A fleet of N pods may
     * overshoot a cap by up to N × the fraction during an outage.
     */
    public Builder failOpenUpTo(double fractionOfLimit) {
      if (!(fractionOfLimit >= 0 && fractionOfLimit <= 1)) {
        throw new IllegalArgumentException("failOpenUpTo is a fraction of a cap's limit from 0 to 1, got " + fractionOfLimit);
      }
      this.failOpenFraction = fractionOfLimit;
      return this;
    }

    private static double checkedSlice(double fraction) {
      if (!(fraction > 0 && fraction <= 0.5)) {
        throw new IllegalArgumentException("a slice is a fraction of the cap's limit above 0 and at most 0.5, got " + fraction);
      }
      return fraction;
    }

    public RedisBudgetLedger build() {
      return new RedisBudgetLedger(this);
    }
  }
}
