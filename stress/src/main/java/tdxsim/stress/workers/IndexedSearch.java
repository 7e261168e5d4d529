package tdxsim.stress.workers;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Runs a {@link RangeJob} on {@code workers} threads of this JVM, each with its own deterministic system (state
 * per system, never in statics: see docs/architecture.md). Ranges are handed out lowest first; a worker that finds a
 * violation at index i lets the ranges below i finish and every index above i is cancelled, so the reported
 * violation is the lowest-index one whatever the number of workers, and so are the trace and the hash.
 *
 * <p>The wall clock only stops the search and paces progress; it never decides what an index does.
 */
public final class IndexedSearch<R extends RangeOutcome> {
  private static final long PROGRESS_EVERY_NANOS = 1_000_000_000L;

  private final RangeJob<R> job;
  private final RangeBook<R> book;
  private final int workers;
  private final long timeLimitNanos;
  /** Every worker has opened its system: the clock starts then, so rates leave out the systems' start-up. */
  private final CountDownLatch opened;
  private final CountDownLatch go = new CountDownLatch(1);
  private volatile long start;
  private volatile long deadline;
  private final AtomicLong indicesDone = new AtomicLong();
  private final AtomicLong workDone = new AtomicLong();
  private Throwable failure;
  private BooleanSupplier stop = () -> false;
  private int running;

  private IndexedSearch(RangeJob<R> job, long total, int workers, Duration timeLimit) {
    if (workers < 1) throw new IllegalArgumentException("at least one worker: " + workers);
    this.job = job;
    this.book = new RangeBook<>(total, job.rangeSize());
    this.workers = workers;
    this.timeLimitNanos = saturatedNanos(timeLimit);
    this.opened = new CountDownLatch(workers);
  }

  /** Searches indices 0..total-1 on {@code workers} threads; {@code progress} (if not null) about once a second. */
  public static <R extends RangeOutcome> SearchResult<R> run(
      RangeJob<R> job, long total, int workers, Duration timeLimit, Consumer<SearchProgress> progress) {
    return run(job, total, workers, timeLimit, progress, () -> false);
  }

  /** {@link #run}, also stopping (as the time limit does: between two indices) once {@code stop} says so. */
  public static <R extends RangeOutcome> SearchResult<R> run(RangeJob<R> job, long total, int workers,
      Duration timeLimit, Consumer<SearchProgress> progress, BooleanSupplier stop) {
    IndexedSearch<R> s = new IndexedSearch<>(job, total, workers, timeLimit);
    s.stop = stop;
    return s.run(progress);
  }

  private SearchResult<R> run(Consumer<SearchProgress> progress) {
    List<Thread> threads = new ArrayList<>();
    running = workers;
    for (int w = 0; w < workers; w++) {
      int id = w;
      Thread t = new Thread(() -> work(id), "tdxsim-worker-" + w);
      t.setDaemon(true);
      threads.add(t);
      t.start();
    }
    awaitOpened();
    awaitWorkers(progress);
    for (Thread t : threads) joinQuietly(t);
    long elapsed = System.nanoTime() - start;
    if (progress != null) progress.accept(progress(elapsed));
    synchronized (this) {
      if (failure instanceof RuntimeException e) throw e;
      if (failure instanceof Error e) throw e;
      if (failure != null) throw new IllegalStateException(failure);
      return new SearchResult<>(book.kept(), !book.finished(), elapsed, workers, 0);
    }
  }

  private void awaitOpened() {
    try {
      opened.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      synchronized (this) {
        failure = e;
      }
    }
    start = System.nanoTime();
    deadline = start + timeLimitNanos;
    go.countDown();
  }

  private synchronized void awaitWorkers(Consumer<SearchProgress> progress) {
    long nextProgress = start + PROGRESS_EVERY_NANOS;
    while (running > 0) {
      long now = System.nanoTime();
      if (progress != null && now - nextProgress >= 0) {
        progress.accept(progress(now - start));
        nextProgress = now + PROGRESS_EVERY_NANOS;
      }
      long waitMillis = Math.max(1, (nextProgress - now) / 1_000_000);
      try {
        wait(waitMillis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        failure = e;
        return;
      }
    }
  }

  private SearchProgress progress(long elapsed) {
    long ranges;
    synchronized (this) {
      ranges = book.rangesDone();
    }
    return new SearchProgress(indicesDone.get(), book.total(), workDone.get(), ranges, workers, 1, elapsed);
  }

  /** A worker thread: opens its system, then takes ranges until none is wanted. */
  private void work(int id) {
    RangeWorker<R> opening = null;
    try {
      opening = job.open(id);
    } catch (RuntimeException | Error e) {
      fail(e);
    } finally {
      opened.countDown();
    }
    if (opening == null) {
      exit();
      return;
    }
    try (RangeWorker<R> worker = opening) {
      go.await();
      RangeControl control = control();
      for (long range = take(); range >= 0; range = take()) {
        R outcome = worker.run(book.from(range), book.to(range), control);
        synchronized (this) {
          book.complete(range, outcome);
        }
      }
    } catch (RuntimeException | Error | InterruptedException e) {
      fail(e);
    } finally {
      exit();
    }
  }

  private synchronized void fail(Throwable e) {
    if (failure == null) failure = e;
  }

  private synchronized void exit() {
    running--;
    notifyAll();
  }

  private synchronized long take() {
    if (failure != null || System.nanoTime() - deadline >= 0 || stop.getAsBoolean()) return -1;
    return book.next();
  }

  private RangeControl control() {
    return new RangeControl() {
      @Override
      public boolean proceed(long index) {
        synchronized (IndexedSearch.this) {
          return failure == null && book.wanted(index) && System.nanoTime() - deadline < 0 && !stop.getAsBoolean();
        }
      }

      @Override
      public void done(long work) {
        indicesDone.incrementAndGet();
        workDone.addAndGet(work);
      }
    };
  }

  private static void joinQuietly(Thread t) {
    try {
      t.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  static long saturatedNanos(Duration d) {
    try {
      return d.toNanos();
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE;
    }
  }
}
