package io.noxus.secretsagent.daemon;

import io.noxus.secretsagent.time.Sleeper;
import java.time.Duration;

/**
 * The real-time {@link Sleeper} of the daemon loop, which a signal can cut short ({@link #wake()}). It waits on a
 * monitor instead of interrupting the loop thread: an interrupt would also abort a file write in progress
 * (FileChannel closes on interrupt), and SIGTERM must let the current write finish.
 */
public final class Wakeup implements Sleeper {
    private boolean woken;

    @Override
    public synchronized void sleep(Duration duration) throws InterruptedException {
        long end = System.nanoTime() + duration.toNanos();
        long left;
        while (!woken && (left = end - System.nanoTime()) > 0) {
            wait(Math.max(1, left / 1_000_000));
        }
        woken = false;
    }

    public synchronized void wake() {
        woken = true;
        notifyAll();
    }
}
