package io.anomalykit.server.security;

import io.anomalykit.server.error.EsException;
import io.vertx.core.Future;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Failed-login throttling by source address, for the users of the file and native realms and the reserved
 * {@code elastic} user (Elasticsearch has none; it is off by default so the server answers as Elasticsearch does).
 * After {@code attempts} failed password logins from one address within a window, that address's password logins are
 * answered at once with the same 401 a wrong password gets, without a password check, until the window ends: a
 * brute-forcer learns nothing and costs no bcrypt. A password verified before is refused too while its address is
 * throttled, or the verified-password cache would answer a correct guess at once. API keys and other addresses are not
 * affected. At most {@link #MAX_ADDRESSES} addresses are tracked; beyond it the least recently failed is forgotten.
 */
public final class LoginThrottle {

    /** The addresses tracked at most, about 100 bytes each. */
    public static final int MAX_ADDRESSES = 10_000;
    /** The window by default: failures older than this are forgotten. */
    public static final Duration DEFAULT_WINDOW = Duration.ofMinutes(1);

    /** No throttling: every attempt is checked. */
    public static final LoginThrottle OFF = new LoginThrottle(0, DEFAULT_WINDOW, System::nanoTime);

    private final int attempts;
    private final long windowNanos;
    private final LongSupplier nanoClock;
    /** Failures by address, least recently failed first. */
    private final Map<String, Window> failures = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Window> eldest) {
            return size() > MAX_ADDRESSES;
        }
    };

    /** The failures of one address since its window started. */
    private static final class Window {
        long startNanos;
        int count;
    }

    /**
     * @param attempts failed logins allowed from one address within a window; 0 turns throttling off
     * @param window   how long an address's failures count from its first one
     */
    public LoginThrottle(int attempts, Duration window) {
        this(attempts, window, System::nanoTime);
    }

    LoginThrottle(int attempts, Duration window, LongSupplier nanoClock) {
        if (attempts < 0 || window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("login throttling needs 0 or more attempts and a positive window, not ["
                    + attempts + "] and [" + window + "]");
        }
        this.attempts = attempts;
        this.windowNanos = window.toNanos();
        this.nanoClock = nanoClock;
    }

    /** The password logins of one request, from its source address (null when unknown: never throttled). */
    public Source from(String address) {
        return attempts == 0 || address == null ? Source.UNTHROTTLED : new Source(this, address);
    }

    /** One request's source address, as {@link Security} consults and tells it. */
    public static final class Source {

        static final Source UNTHROTTLED = new Source(null, null);

        private final LoginThrottle throttle;
        private final String address;

        private Source(LoginThrottle throttle, String address) {
            this.throttle = throttle;
            this.address = address;
        }

        /** Whether its password logins are refused without a check now. */
        boolean throttled() {
            return throttle != null && throttle.throttled(address);
        }

        /** Counts a failed password login. */
        void failed() {
            if (throttle != null) {
                throttle.failed(address);
            }
        }

        /** Counts the check's 401, not a 429 from a full pool: that was no attempt. */
        <T> Future<T> counted(Future<T> check) {
            return check.onFailure(e -> {
                if (e instanceof EsException es && es.status() == 401) {
                    failed();
                }
            });
        }
    }

    private synchronized boolean throttled(String address) {
        Window window = failures.get(address);
        if (window == null) {
            return false;
        }
        if (nanoClock.getAsLong() - window.startNanos >= windowNanos) {
            failures.remove(address);
            return false;
        }
        return window.count >= attempts;
    }

    private synchronized void failed(String address) {
        long now = nanoClock.getAsLong();
        Window window = failures.get(address);
        if (window == null || now - window.startNanos >= windowNanos) {
            window = new Window();
            window.startNanos = now;
            failures.put(address, window);
        }
        window.count++;
    }

    /** How many addresses are tracked now. */
    synchronized int tracked() {
        return failures.size();
    }
}
