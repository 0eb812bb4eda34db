package io.anomalykit.server.reliability;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A keep-alive HTTP/1.1 connection written byte for byte, for requests no well-behaved client sends, that tells an
 * answer from a connection dropped without one.
 */
final class RawHttp implements AutoCloseable {

    /** One answer: its status, its headers as sent (lower-cased names), its body. */
    record Answer(int status, String head, byte[] body) {
        String header(String name) {
            for (String line : head.split("\r\n")) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
                    return line.substring(colon + 1).trim();
                }
            }
            return null;
        }

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /** The server closed the connection before a whole answer. */
    static final class Dropped extends IOException {
        private static final long serialVersionUID = 1L;

        Dropped(String what) {
            super(what);
        }
    }

    private final int port;
    private Socket socket;

    RawHttp(int port) {
        this.port = port;
    }

    /**
     * Sends a request and reads its answer; a connection the server closed after its previous answer is opened again.
     *
     * @param head the request line and headers, without the blank line
     * @param headRequest whether the answer has no body whatever its headers say
     * @throws Dropped when the connection ends before a whole answer
     */
    Answer exchange(byte[] head, byte[] body, boolean headRequest) throws IOException {
        if (socket == null || socket.isClosed()) {
            socket = new Socket("127.0.0.1", port);
            socket.setSoTimeout(30_000);
            socket.setTcpNoDelay(true);
        }
        try {
            socket.getOutputStream().write(head);
            socket.getOutputStream().write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().write(body);
            socket.getOutputStream().flush();
        } catch (IOException e) {
            // The server may answer and close before reading all of a refused request: the answer tells.
        }
        Answer answer;
        try {
            answer = read(socket.getInputStream(), headRequest);
        } catch (IOException e) {
            close();
            throw e;
        }
        String connection = answer.header("connection");
        if (connection != null && connection.equalsIgnoreCase("close")) {
            close();
        }
        return answer;
    }

    private static Answer read(InputStream in, boolean headRequest) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new Dropped(head.size() == 0 ? "closed without an answer" : "closed inside the answer's headers");
            }
            head.write(b);
            matched = (b == '\r' && (matched == 0 || matched == 2)) || (b == '\n' && (matched == 1 || matched == 3))
                    ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        String headers = head.toString(StandardCharsets.ISO_8859_1);
        int status = Integer.parseInt(headers.substring(9, 12));
        Answer bare = new Answer(status, headers, new byte[0]);
        if (headRequest || status == 204 || status == 304 || status / 100 == 1) {
            return bare;
        }
        String length = bare.header("content-length");
        String encoding = bare.header("transfer-encoding");
        if (encoding != null && encoding.toLowerCase(Locale.ROOT).contains("chunked")) {
            return new Answer(status, headers, chunked(in));
        }
        if (length != null) {
            byte[] body = in.readNBytes(Integer.parseInt(length));
            if (body.length < Integer.parseInt(length)) {
                throw new Dropped("closed inside the answer's body");
            }
            return new Answer(status, headers, body);
        }
        return new Answer(status, headers, in.readAllBytes());
    }

    private static byte[] chunked(InputStream in) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            String size = line(in);
            int length = Integer.parseInt(size.split(";")[0].trim(), 16);
            if (length == 0) {
                while (!line(in).isEmpty()) {
                    // trailers
                }
                return body.toByteArray();
            }
            byte[] chunk = in.readNBytes(length);
            if (chunk.length < length) {
                throw new Dropped("closed inside a chunk");
            }
            body.write(chunk);
            line(in);
        }
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int b;
        while ((b = in.read()) != '\n') {
            if (b < 0) {
                throw new Dropped("closed inside a chunked body");
            }
            if (b != '\r') {
                line.append((char) b);
            }
        }
        return line.toString();
    }

    @Override
    public void close() {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException e) {
                // already gone
            }
            socket = null;
        }
    }
}
