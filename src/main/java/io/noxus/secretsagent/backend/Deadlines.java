package io.noxus.secretsagent.backend;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Whole-request deadlines for {@link HttpURLConnection}s: one daemon thread ("noxus-http-deadlines") shared by every
 * Vault backend of the process ends each exchange still running when its deadline passes, by disconnecting it (which
 * closes the socket under a blocked connect-completion, TLS handshake, write or header read, and keeps the JDK from
 * re-sending the request). The connection's own connect and read timeouts are per operation only: a server that
 * drips one byte per second never trips them. See docs/backend-vault.md, "Request deadline".
 *
 * <p>Public for the Azure backend's client, which bounds its requests the same way.
 *
 * <p>The one exception to "no static singletons": a thread per backend would multiply with reloads, and the deadline
 * thread owns no state but pending timers, so one per process is the whole design (like the JDK's own keep-alive
 * timer).
 */
public final class Deadlines {
    private static final Deadlines SHARED = new Deadlines();

    private final ScheduledThreadPoolExecutor timer;

    private Deadlines() {
        timer = new ScheduledThreadPoolExecutor(1, task -> {
            Thread thread = new Thread(task, "noxus-http-deadlines");
            thread.setDaemon(true);
            return thread;
        });
        timer.setRemoveOnCancelPolicy(true); // a finished request leaves no timer behind
    }

    public static Deadlines shared() {
        return SHARED;
    }

    /** Starts the clock of one exchange on {@code conn}; close the returned deadline when the exchange is over. */
    public Deadline start(HttpURLConnection conn, Duration timeout) {
        return new Deadline(conn, timeout);
    }

    /** Timers not yet fired nor cancelled (for the tests: a finished request must leave none). */
    public int pending() {
        return timer.getQueue().size();
    }

    /**
     * Reads the whole body (so the connection can be reused), in chunks, giving up as soon as the deadline passed or
     * the answer grows beyond {@code maxBytes}. Closed only when complete: a failed read is disconnected by the caller.
     */
    public static byte[] readBody(InputStream in, Deadline deadline, int maxBytes) throws IOException {
        if (in == null) {
            return new byte[0];
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        byte[] chunk = new byte[8192];
        for (int n = in.read(chunk); n >= 0; n = in.read(chunk)) {
            if (deadline.passed()) {
                throw new DeadlinePassed();
            }
            bytes.write(chunk, 0, n);
            if (bytes.size() > maxBytes) {
                throw new IOException("answer larger than " + maxBytes + " bytes");
            }
        }
        in.close();
        return bytes.toByteArray();
    }

    /** An answer read whole within its deadline: the status and the body's bytes. */
    public record Exchange(int status, byte[] body) {
    }

    /** Thrown by the reading thread when it finds the deadline passed. */
    public static final class DeadlinePassed extends IOException {
        private static final long serialVersionUID = 1L;

        public DeadlinePassed() {
            super("deadline passed", null);
        }
    }

    /** The deadline of one exchange. */
    public final class Deadline implements AutoCloseable {
        private static final int HEAD = 0;
        private static final int BODY = 1;
        private static final int FINISHED = 2;
        private static final int REAPED = 3;
        private final HttpURLConnection conn;
        private final long endsAt;
        private final AtomicInteger state = new AtomicInteger(HEAD);
        private final ScheduledFuture<?> reaping;

        private Deadline(HttpURLConnection conn, Duration timeout) {
            this.conn = conn;
            this.endsAt = System.nanoTime() + timeout.toNanos();
            this.reaping = timer.schedule(this::reap, timeout.toNanos(), TimeUnit.NANOSECONDS);
        }

        /**
         * Only before the body: there {@code disconnect()} closes the socket at once. Once the body stream exists,
         * the JDK's {@code disconnect()} closes that stream, which waits for the monitor a blocked read holds, and
         * this one thread must never wait on a request; the reading thread checks the deadline itself.
         */
        private void reap() {
            if (state.compareAndSet(HEAD, REAPED)) {
                conn.disconnect();
            }
        }

        /**
         * One whole exchange within the deadline: sends {@code body} (none when null), reads the status line, the
         * headers and the whole body (at most {@code maxBytes}). The method and headers are the caller's to set first.
         */
        public Exchange exchange(byte[] body, int maxBytes) throws IOException {
            if (body != null) {
                conn.setDoOutput(true);
                try (OutputStream out = conn.getOutputStream()) {
                    out.write(body);
                }
            }
            int status = conn.getResponseCode();
            enterBody();
            byte[] bytes = readBody(status >= 400 ? conn.getErrorStream() : conn.getInputStream(), this, maxBytes);
            if (!finish()) {
                throw new DeadlinePassed();
            }
            return new Exchange(status, bytes);
        }

        /** The status line and headers are in: from here the reading thread watches the deadline. */
        public void enterBody() throws DeadlinePassed {
            if (!state.compareAndSet(HEAD, BODY) || passed()) {
                throw new DeadlinePassed();
            }
        }

        /** True once the deadline passed: whatever the exchange got so far is not an answer. */
        public boolean passed() {
            return state.get() == REAPED || System.nanoTime() - endsAt >= 0;
        }

        /** Ends the exchange: stops the timer; true if it finished before the deadline. */
        public boolean finish() {
            reaping.cancel(false);
            int was = state.getAndUpdate(s -> s == REAPED ? s : FINISHED);
            return was != REAPED && System.nanoTime() - endsAt < 0;
        }

        @Override
        public void close() {
            finish();
        }
    }
}
