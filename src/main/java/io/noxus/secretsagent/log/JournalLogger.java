package io.noxus.secretsagent.log;

import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;

/**
 * One named logger writing through {@link JournalLog}. A throwable is named by its type only: its message or stack
 * could quote data (a response body, a file line), and no log line may carry a secret.
 */
final class JournalLogger extends LegacyAbstractLogger {
    private static final long serialVersionUID = 1L;

    JournalLogger(String name) {
        this.name = name;
    }

    @Override
    protected String getFullyQualifiedCallerName() {
        return null;
    }

    @Override
    protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern, Object[] arguments,
                                               Throwable throwable) {
        String message = MessageFormatter.basicArrayFormat(pattern, arguments);
        if (throwable != null) {
            message = message + " (" + throwable.getClass().getName() + ")";
        }
        JournalLog.write(name, level, message);
    }

    @Override
    public boolean isTraceEnabled() {
        return JournalLog.enabled(name, Level.TRACE);
    }

    @Override
    public boolean isDebugEnabled() {
        return JournalLog.enabled(name, Level.DEBUG);
    }

    @Override
    public boolean isInfoEnabled() {
        return JournalLog.enabled(name, Level.INFO);
    }

    @Override
    public boolean isWarnEnabled() {
        return JournalLog.enabled(name, Level.WARN);
    }

    @Override
    public boolean isErrorEnabled() {
        return JournalLog.enabled(name, Level.ERROR);
    }
}
