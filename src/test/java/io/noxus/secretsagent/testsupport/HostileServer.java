package io.noxus.secretsagent.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP server on a free 127.0.0.1 port that accepts HTTP requests and never finishes answering them, in one of three
 * ways ({@link Behaviour}). It stands for a stalled backend: a load balancer that accepted and hung, a server behind a
 * lossy link. It counts the connections it accepted (a client that retries behind our back shows as more than one).
 * Its pacing is wall time on purpose: it is the hostile peer, not the code under test.
 */
public final class HostileServer implements AutoCloseable {
    /** How the server (does not) answer. */
    public enum Behaviour {
        /** A complete status line and headers (Content-Length 1 MiB), then the JSON body one byte per 200 ms. */
        DRIPPING,
        /** Accepts and reads the request, then says nothing at all. */
        SILENT,
        /** The status line, then the headers one byte per second. */
        DRIP_HEADERS,
        /**
         * Complete headers and 15 body bytes over 1.5 s, then silence: the last read starts just before a 2 s deadline,
         * so the per-read timeout alone would let the call run to about 3.5 s.
         */
        STALLED_BODY
    }

    private static final Duration BODY_PACE = Duration.ofMillis(200);
    private static final Duration HEADER_PACE = Duration.ofSeconds(1);

    private final Behaviour behaviour;
    private final ServerSocket server;
    private final List<Socket> clients = new CopyOnWriteArrayList<>();
    private final AtomicInteger accepted = new AtomicInteger();
    private final Thread acceptor;

    private HostileServer(Behaviour behaviour) throws IOException {
        this.behaviour = behaviour;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.acceptor = new Thread(this::acceptLoop, "hostile-" + behaviour);
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public static HostileServer start(Behaviour behaviour) {
        try {
            return new HostileServer(behaviour);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code http://127.0.0.1:PORT}. */
    public URI address() {
        return URI.create("http://127.0.0.1:" + server.getLocalPort());
    }

    /** Connections accepted so far. */
    public int connections() {
        return accepted.get();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                accepted.incrementAndGet();
                clients.add(client);
                Thread worker = new Thread(() -> answer(client), "hostile-" + behaviour + "-conn");
                worker.setDaemon(true);
                worker.start();
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void answer(Socket client) {
        try (client) {
            readRequestHead(client.getInputStream());
            OutputStream out = client.getOutputStream();
            switch (behaviour) {
                case SILENT -> {
                    while (!client.isClosed() && client.getInputStream().read() >= 0) {
                        // swallow whatever comes (a request body) and never answer
                    }
                }
                case DRIPPING -> {
                    write(out, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1048576\r\n\r\n");
                    drip(out, "{\"data\": {\"data\": {\"k\": \"" + "x".repeat(1 << 20), BODY_PACE);
                }
                case DRIP_HEADERS -> {
                    write(out, "HTTP/1.1 200 OK\r\n");
                    drip(out, "Content-Type: application/json\r\nX-Slow: " + "y".repeat(1 << 20), HEADER_PACE);
                }
                case STALLED_BODY -> {
                    write(out, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n");
                    drip(out, "{\"data\": {\"a\"", Duration.ofMillis(100));
                    while (client.getInputStream().read() >= 0) {
                        // silence until the client gives up
                    }
                }
                default -> throw new IllegalStateException();
            }
        } catch (IOException e) {
            // the client gave up: that is the point
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void readRequestHead(InputStream in) throws IOException {
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        int b;
        while (matched < end.length && (b = in.read()) >= 0) {
            matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
        }
    }

    private static void write(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    private static void drip(OutputStream out, String text, Duration pace) throws IOException,
            InterruptedException {
        for (byte b : text.getBytes(StandardCharsets.US_ASCII)) {
            out.write(b);
            out.flush();
            Thread.sleep(pace.toMillis());
        }
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            // closing anyway
        }
        for (Socket client : clients) {
            try {
                client.close();
            } catch (SocketException e) {
                // already gone
            } catch (IOException e) {
                // closing anyway
            }
        }
        acceptor.interrupt();
    }
}
