package io.noxus.secretsagent.backend;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The per-secret reads of one fetch, at most {@code bound} in flight: the calling thread is one reader, and up to
 * {@code bound - 1} more run on the {@code readers} executor, all taking the next secret from one queue. Once a read
 * is throttled (HTTP 429, an AWS throttling error) no further read is started: the secrets not read yet answer
 * {@code skipped}, the server's wait hint travels with them to the one owner of retries (the daemon's schedule),
 * and the reads already in flight finish. With {@code bound} 1, or an executor that rejects, the caller reads
 * everything itself, in order.
 *
 * <p>On a host the executor starts one short-lived daemon thread per extra reader ({@link #threads}): a fetch of N
 * secrets with bound k costs k - 1 thread starts (tens of microseconds each), and an idle daemon holds no reader
 * thread at all. The readers share the backend's client, which must be safe for concurrent requests; anything a
 * fetch needs once (a token, a login) is done by the caller before the reads.
 */
public final class ConcurrentReads {
    private static final long READER_STACK = 256 * 1024;

    private final Executor readers;

    public ConcurrentReads(Executor readers) {
        this.readers = readers;
    }

    /** Extra readers on their own short-lived daemon threads, named {@code name}. */
    public static ConcurrentReads threads(String name) {
        return new ConcurrentReads(task -> {
            Thread t = new Thread(null, task, name, READER_STACK);
            t.setDaemon(true);
            t.start();
        });
    }

    /** Every read on the caller's thread. */
    public static ConcurrentReads inline() {
        return new ConcurrentReads(task -> {
            throw new RejectedExecutionException("inline");
        });
    }

    /**
     * Reads every item, at most {@code bound} at a time, answering in the items' order. {@code throttled} tells an
     * answer that stops the issuing of further reads; {@code skipped} makes the answer of an item not read, from the
     * first throttled answer. A read that throws stops the issuing too; the first such exception is rethrown once
     * the reads in flight finished.
     */
    public <T, R> Map<T, R> read(List<T> items, int bound, Function<T, R> read, Predicate<R> throttled,
                                 BiFunction<T, R, R> skipped) {
        Round<T, R> round = new Round<>(items, read, throttled);
        int extra = Math.min(bound, items.size()) - 1;
        for (int i = 0; i < extra; i++) {
            try {
                readers.execute(round::work);
            } catch (RejectedExecutionException e) {
                break; // the caller reads what the missing readers would have
            }
        }
        round.work();
        return round.finish(skipped);
    }

    /** One fetch's queue of items and its answers. */
    private static final class Round<T, R> {
        private final List<T> items;
        private final Function<T, R> read;
        private final Predicate<R> throttled;
        private final List<R> answers;
        private int next;
        private int inFlight;
        private R stoppedBy;
        private RuntimeException thrown;
        private Error error;

        Round(List<T> items, Function<T, R> read, Predicate<R> throttled) {
            this.items = items;
            this.read = read;
            this.throttled = throttled;
            this.answers = new ArrayList<>(java.util.Collections.nCopies(items.size(), null));
        }

        void work() {
            for (int i = take(); i >= 0; i = take()) {
                R answer = null;
                try {
                    answer = read.apply(items.get(i));
                } catch (RuntimeException e) {
                    failed(e, null);
                } catch (Error e) {
                    failed(null, e);
                } finally {
                    done(i, answer);
                }
            }
        }

        private synchronized int take() {
            if (stoppedBy != null || thrown != null || error != null || next >= items.size()) {
                return -1;
            }
            inFlight++;
            return next++;
        }

        private synchronized void failed(RuntimeException e, Error err) {
            if (thrown == null && error == null) {
                thrown = e;
                error = err;
            }
        }

        private synchronized void done(int i, R answer) {
            answers.set(i, answer);
            if (answer != null && stoppedBy == null && throttled.test(answer)) {
                stoppedBy = answer;
            }
            inFlight--;
            notifyAll();
        }

        /** Waits for the reads in flight (each bounded by its request deadline), then answers every item. */
        synchronized Map<T, R> finish(BiFunction<T, R, R> skipped) {
            boolean interrupted = false;
            while (inFlight > 0) {
                try {
                    wait();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            if (error != null) {
                throw error;
            }
            if (thrown != null) {
                throw thrown;
            }
            Map<T, R> out = new LinkedHashMap<>();
            for (int i = 0; i < items.size(); i++) {
                R answer = answers.get(i);
                out.put(items.get(i), answer != null ? answer : skipped.apply(items.get(i), stoppedBy));
            }
            return out;
        }
    }
}
