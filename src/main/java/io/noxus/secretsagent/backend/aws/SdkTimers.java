package io.noxus.secretsagent.backend.aws;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The timers of every AWS SDK client of the process (the call and attempt timeouts of {@link AwsClients}): two daemon
 * threads ("noxus-aws-timeouts") that end after {@link #IDLE_SECONDS} without a timer and come back with the next
 * call. Without it each SDK client starts its own pool of five "sdk-ScheduledExecutor" threads that never end: ten
 * per aws backend with assume_role (STS + Secrets Manager), again after every reload until the old clients close.
 *
 * <p>Not the Vault/Azure deadline thread ({@code Deadlines}): the SDK's timeout task aborts the exchange with
 * {@code HttpURLConnection.disconnect()}, which can wait for a body read blocked in the socket (up to the socket
 * timeout); that must not hold up the other backends' deadlines. Two threads, so one such wait does not hold up the
 * other AWS calls' timers either. The SDK does not shut down an executor it is given (it wraps it as unmanaged).
 *
 * <p>One per process, like {@code Deadlines}: it owns nothing but pending timers.
 */
final class SdkTimers {
    static final int THREADS = 2;
    static final long IDLE_SECONDS = 30;
    private static final ScheduledThreadPoolExecutor SHARED = create();

    private SdkTimers() {
    }

    static ScheduledExecutorService shared() {
        return SHARED;
    }

    private static ScheduledThreadPoolExecutor create() {
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(THREADS, task -> {
            Thread thread = new Thread(task, "noxus-aws-timeouts");
            thread.setDaemon(true);
            return thread;
        });
        timer.setRemoveOnCancelPolicy(true); // a finished call leaves no timer behind
        timer.setKeepAliveTime(IDLE_SECONDS, TimeUnit.SECONDS);
        timer.allowCoreThreadTimeOut(true);
        return timer;
    }
}
