package dev.sluice.time;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The system time source's timer: never early, cancelled tasks never run, a storm of cancellations leaves it working. */
class CoarseTimerTest {

  final CoarseTimer timer = new CoarseTimer("test-timer");

  @AfterEach
  void stop() throws InterruptedException {
    timer.stop();
    assertThat(timer.isRunning()).as("no timer thread left running").isFalse();
  }

  @Test
  void tasksRunNoEarlierThanTheirDelay() throws Exception {
    CountDownLatch done = new CountDownLatch(3);
    AtomicLong[] ranAt = {new AtomicLong(), new AtomicLong(), new AtomicLong()};
    long start = System.nanoTime();
    long[] delays = {TimeUnit.MILLISECONDS.toNanos(30), 0, TimeUnit.MILLISECONDS.toNanos(5)};
    for (int i = 0; i < 3; i++) {
      AtomicLong at = ranAt[i];
      timer.schedule(delays[i], () -> {
        at.set(System.nanoTime());
        done.countDown();
      });
    }
    assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
    for (int i = 0; i < 3; i++) {
      assertThat(ranAt[i].get() - start).as("task %s", i).isGreaterThanOrEqualTo(delays[i]);
    }
  }

  @Test
  void aTaskThatThrowsAnErrorLeavesTheThreadRunningTheNextTasks() throws Exception {
    timer.schedule(0, () -> {
      throw new OutOfMemoryError("a call's failure, simulated");
    });
    timer.schedule(0, () -> {
      throw new StackOverflowError();
    });
    CountDownLatch after = new CountDownLatch(1);
    timer.schedule(TimeUnit.MILLISECONDS.toNanos(2), after::countDown);
    assertThat(after.await(10, TimeUnit.SECONDS)).as("the task after the errors ran").isTrue();
    assertThat(timer.isRunning()).isTrue();
  }

  @Test
  void aStormOfCancelledTimeoutsNeverRunsAndTheLiveOnesStillDo() throws Exception {
    AtomicInteger cancelledRan = new AtomicInteger();
    List<TimeSource.Scheduled> all = new ArrayList<>();
    for (int i = 0; i < 50_000; i++) {
      all.add(timer.schedule(TimeUnit.SECONDS.toNanos(5) + i % 20, cancelledRan::incrementAndGet));
    }
    all.forEach(s -> assertThat(s.cancel()).isTrue());
    CountDownLatch live = new CountDownLatch(1);
    TimeSource.Scheduled keep = timer.schedule(TimeUnit.MILLISECONDS.toNanos(25), live::countDown);
    assertThat(live.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(keep.cancel()).as("a task that ran cannot be cancelled").isFalse();
    assertThat(cancelledRan.get()).isZero();
    // Everything left is cancelled: the thread stops ticking and parks (no busy timer after a burst).
    assertThat(timer.awaitIdle(10_000)).as("parked without a deadline").isTrue();
  }

  @Test
  void aFailingTaskDoesNotStopTheTimer() throws Exception {
    timer.schedule(0, () -> {
      throw new IllegalStateException("boom");
    });
    CountDownLatch after = new CountDownLatch(1);
    timer.schedule(TimeUnit.MILLISECONDS.toNanos(2), after::countDown);
    assertThat(after.await(10, TimeUnit.SECONDS)).isTrue();
  }
}
