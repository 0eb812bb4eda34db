package io.anomalykit.benchmarks;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * One kept-alive HTTP/1.1 connection, used one request at a time, for timing queries. A general client costs
 * several hundred microseconds a request here (thread hand-offs, header maps), as much as a small search itself; this
 * one writes the request and reads the answer on the calling thread, so the timings measure the servers.
 */
final class LoopbackConnection implements AutoCloseable {

    private final String host;
    private final int port;
    private Socket socket;
    private InputStream in;
    private OutputStream out;

    LoopbackConnection(URI base) {
        this.host = base.getHost();
        this.port = base.getPort();
    }

    /** POSTs a JSON body and returns the answer; anything but a 2xx fails. */
    String post(String path, String body, String authorization) throws IOException {
        if (socket == null) {
            socket = new Socket(host, port);
            socket.setTcpNoDelay(true);
            in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
            out = socket.getOutputStream();
        }
        byte[] content = body.getBytes(StandardCharsets.UTF_8);
        StringBuilder head = new StringBuilder("POST ").append(path).append(" HTTP/1.1\r\nHost: ").append(host).append(':')
                .append(port).append("\r\nContent-Type: application/json\r\nContent-Length: ").append(content.length)
                .append("\r\n");
        if (authorization != null) {
            head.append("Authorization: ").append(authorization).append("\r\n");
        }
        out.write(head.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
        out.write(content);
        out.flush();

        String status = line();
        int length = -1;
        boolean chunked = false;
        boolean closes = false;
        for (String header = line(); !header.isEmpty(); header = line()) {
            String lower = header.toLowerCase(Locale.ROOT);
            if (lower.startsWith("content-length:")) {
                length = Integer.parseInt(lower.substring(15).trim());
            } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                chunked = true;
            } else if (lower.startsWith("connection:") && lower.contains("close")) {
                closes = true;
            }
        }
        ByteArrayOutputStream answer = new ByteArrayOutputStream(Math.max(length, 256));
        if (chunked) {
            for (int size = Integer.parseInt(line().split(";")[0].trim(), 16); size > 0;
                 size = Integer.parseInt(line().split(";")[0].trim(), 16)) {
                answer.write(in.readNBytes(size));
                line();
            }
            line();
        } else if (length >= 0) {
            answer.write(in.readNBytes(length));
        } else {
            throw new IOException("an answer without a length: " + status);
        }
        if (closes) {
            close();
        }
        String text = answer.toString(StandardCharsets.UTF_8);
        int code = Integer.parseInt(status.split(" ")[1]);
        if (code >= 300) {
            throw new IOException("POST " + path + " -> " + status + " " + text.substring(0, Math.min(500, text.length())));
        }
        return text;
    }

    private String line() throws IOException {
        StringBuilder line = new StringBuilder();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new IOException("the connection closed mid-answer");
            }
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return line.toString();
    }

    @Override
    public void close() throws IOException {
        if (socket != null) {
            socket.close();
            socket = null;
        }
    }
}
