package io.anomalykit.server.http;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What keeps a client from holding the HTTP server: a cap on open connections and a deadline for each request's line
 * and headers. Vert.x calls {@link #connected} for each new connection and the server's request handler calls
 * {@link #admit} for each request, both on the connection's event loop. (The bound on request bodies held at once is
 * per request, so it lives in the router: {@link InFlightBreaker}.)
 */
public final class ConnectionLimits {

    private final Vertx vertx;
    private final int maxConnections;
    private final long headerTimeoutMillis;
    private final AtomicInteger open = new AtomicInteger();
    private final Map<HttpConnection, Connection> connections = new ConcurrentHashMap<>();

    /** One connection: the timer waiting for a request's headers, and how many of its requests are unanswered. */
    private static final class Connection {
        long headerTimer = -1;
        int unanswered;
    }

    /**
     * @param maxConnections       open connections allowed; the next one is closed as soon as it is accepted
     * @param headerTimeout        how long a connection may take to send a request's line and headers, from its opening
     *                             or from the end of its previous answer
     */
    public ConnectionLimits(Vertx vertx, int maxConnections, Duration headerTimeout) {
        this.vertx = vertx;
        this.maxConnections = maxConnections;
        this.headerTimeoutMillis = Math.max(1, headerTimeout.toMillis());
    }

    /** A new connection: closed at once beyond the cap, else given the header deadline. */
    public void connected(HttpConnection connection) {
        if (open.incrementAndGet() > maxConnections) {
            open.decrementAndGet();
            connection.close();
            return;
        }
        Connection state = new Connection();
        connections.put(connection, state);
        connection.closeHandler(ignored -> {
            open.decrementAndGet();
            Connection gone = connections.remove(connection);
            if (gone != null && gone.headerTimer >= 0) {
                vertx.cancelTimer(gone.headerTimer);
            }
        });
        awaitHeaders(connection, state);
    }

    private void awaitHeaders(HttpConnection connection, Connection state) {
        state.headerTimer = vertx.setTimer(headerTimeoutMillis, id -> {
            state.headerTimer = -1;
            if (state.unanswered == 0) {
                connection.close();
            }
        });
    }

    /**
     * A request whose headers have arrived: stops its connection's header deadline until it is answered.
     *
     * @return to run once its answer has been sent or its connection closed (running it again does nothing)
     */
    public Runnable admit(HttpServerRequest request) {
        HttpConnection connection = request.connection();
        Connection state = connection == null ? null : connections.get(connection);
        if (state != null) {
            if (state.headerTimer >= 0) {
                vertx.cancelTimer(state.headerTimer);
                state.headerTimer = -1;
            }
            state.unanswered++;
        }
        boolean[] released = {false};
        return () -> {
            if (!released[0]) {
                released[0] = true;
                if (state != null && --state.unanswered == 0 && connections.containsKey(connection)
                        && state.headerTimer < 0) {
                    awaitHeaders(connection, state);
                }
            }
        };
    }
}
