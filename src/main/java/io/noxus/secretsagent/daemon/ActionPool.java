package io.noxus.secretsagent.daemon;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The daemon's action threads: runs a batch of actions {@code size} at a time while the loop thread waits, feeding
 * the watchdog ({@code tick}) meanwhile. When the daemon is asked to stop, the actions already running finish
 * (a restart is never cut in half) and those not yet started are not started: they come back empty, so the daemon
 * saves them as pending and the next start resumes them. {@link #close()} drains: running actions get
 * {@link #DRAIN} to finish before their threads are abandoned.
 */
final class ActionPool implements AutoCloseable {
    static final Duration DRAIN = Duration.ofSeconds(90);
    private final ExecutorService executor;
    private final int size;

    ActionPool(int size) {
        this.size = size;
        this.executor = Executors.newFixedThreadPool(size, r -> {
            Thread t = new Thread(r, "action");
            t.setDaemon(true);
            return t;
        });
    }

    int size() {
        return size;
    }

    /**
     * Runs the actions in order, {@code size} at a time; the i-th answer is the i-th action's result, or empty when
     * it was not started because {@code stopping} turned true first.
     */
    <T> List<Optional<T>> run(List<Supplier<T>> actions, BooleanSupplier stopping, Runnable tick, Duration tickEvery)
            throws InterruptedException {
        AtomicBoolean cancelled = new AtomicBoolean();
        List<Future<Optional<T>>> futures = new ArrayList<>();
        for (Supplier<T> action : actions) {
            Callable<Optional<T>> task = () -> cancelled.get() ? Optional.empty() : Optional.of(action.get());
            futures.add(executor.submit(task));
        }
        List<Optional<T>> results = new ArrayList<>();
        for (Future<Optional<T>> future : futures) {
            results.add(await(future, cancelled, stopping, tick, tickEvery));
        }
        return results;
    }

    private static <T> Optional<T> await(Future<Optional<T>> future, AtomicBoolean cancelled, BooleanSupplier stopping,
                                         Runnable tick, Duration tickEvery) throws InterruptedException {
        while (true) {
            tick.run();
            if (stopping.getAsBoolean()) {
                cancelled.set(true);
            }
            try {
                return future.get(Math.max(10, tickEvery.toMillis()), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                // still running: feed the watchdog and wait on
            } catch (ExecutionException e) {
                // Callers turn their own failures into results; what arrives here is an Error.
                throw new IllegalStateException("an action thread died (" + e.getCause().getClass().getName() + ")");
            }
        }
    }

    /** Lets running actions finish (at most {@link #DRAIN}), then gives up on them. */
    @Override
    public void close() {
        executor.shutdown();
        try {
            if (!executor.awaitTermination(DRAIN.toMillis(), TimeUnit.MILLISECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
