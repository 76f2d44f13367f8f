package org.camelgateway.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * An HTTP/1.1 client over a plain socket, for what java.net.http will not send or hides: exact header lines,
 * Connection headers, repeated headers, keep-alive on one connection.
 */
public final class RawHttp implements AutoCloseable {

    /** A response as it came off the wire. */
    public record Response(int status, List<String[]> headers, byte[] body) {
        public String header(String name) {
            for (String[] h : headers) {
                if (h[0].equalsIgnoreCase(name)) {
                    return h[1];
                }
            }
            return null;
        }

        public List<String> headerLines(String name) {
            List<String> v = new ArrayList<>();
            for (String[] h : headers) {
                if (h[0].equalsIgnoreCase(name)) {
                    v.add(h[1]);
                }
            }
            return v;
        }

        public List<String> headerNames() {
            List<String> v = new ArrayList<>();
            headers.forEach(h -> v.add(h[0]));
            return v;
        }

        public String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    public RawHttp(int port) throws IOException {
        socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(20_000);
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    /** Sends {@code head} (request line and headers, lines joined with CRLF, no final blank line) and a body. */
    public Response exchange(String head, byte[] body) throws IOException {
        send(head, body);
        return read(head.startsWith("HEAD "));
    }

    public Response exchange(String head) throws IOException {
        return exchange(head, new byte[0]);
    }

    public void send(String head, byte[] body) throws IOException {
        out.write((head + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.write(body);
        out.flush();
    }

    public void sendRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** Reads a status line and headers only, leaving the body to {@link #readBody(int)}. */
    public Response readHead() throws IOException {
        String statusLine = line();
        if (statusLine == null) {
            throw new IOException("connection closed before a response");
        }
        int status = Integer.parseInt(statusLine.split(" ")[1]);
        List<String[]> headers = new ArrayList<>();
        for (String l = line(); l != null && !l.isEmpty(); l = line()) {
            int colon = l.indexOf(':');
            headers.add(new String[] {l.substring(0, colon).trim(), l.substring(colon + 1).trim()});
        }
        return new Response(status, headers, new byte[0]);
    }

    /** Up to {@code n} body bytes: fewer if the connection ends first. */
    public byte[] readBody(int n) throws IOException {
        return in.readNBytes(n);
    }

    public Response read(boolean headRequest) throws IOException {
        Response partial = readHead();
        int status = partial.status();
        List<String[]> headers = partial.headers();
        if (status == 100) {
            return partial;
        }
        byte[] body;
        String te = partial.header("Transfer-Encoding");
        String cl = partial.header("Content-Length");
        if (headRequest || status == 204 || status == 304) {
            body = new byte[0];
        } else if (te != null && te.toLowerCase(Locale.ROOT).contains("chunked")) {
            body = chunked();
        } else if (cl != null) {
            body = in.readNBytes(Integer.parseInt(cl));
        } else {
            body = in.readAllBytes();
        }
        return new Response(status, headers, body);
    }

    /** True if the server closed the connection (reads EOF within the socket timeout). */
    public boolean isClosedByServer() throws IOException {
        try {
            return in.read() == -1;
        } catch (java.net.SocketException e) {
            return true;
        }
    }

    private byte[] chunked() throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            int size = Integer.parseInt(line().split(";")[0].trim(), 16);
            if (size == 0) {
                while (!line().isEmpty()) {
                    // trailers
                }
                return body.toByteArray();
            }
            body.write(in.readNBytes(size));
            line();
        }
    }

    private String line() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) != -1) {
            if (c == '\n') {
                String s = b.toString(StandardCharsets.ISO_8859_1);
                return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
            }
            b.write(c);
        }
        return b.size() == 0 ? null : b.toString(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
