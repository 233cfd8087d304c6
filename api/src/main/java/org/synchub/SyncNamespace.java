package org.synchub;

import jakarta.websocket.Session;
import jakarta.websocket.HandshakeResponse;
import jakarta.websocket.server.HandshakeRequest;
import jakarta.websocket.server.ServerEndpointConfig;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * The namespace of a WebSocket session as crossws (Node.js) derives it, so that Java and Node servers on one
 * backplane put a room in the same namespace.
 *
 * <p>crossws takes {@code new URL(request.url).pathname} (crossws {@code src/hooks.ts}, {@code Hooks#upgrade}),
 * where its node adapter builds {@code request.url} as {@code "http://" + host + rawRequestTarget}
 * ({@code src/adapters/node.ts}, {@code NodeReqProxy}). That is the path of the raw request target as the WHATWG URL
 * Standard's basic URL parser leaves it for a special scheme (http, ws) after the host, followed by the path
 * serializer (https://url.spec.whatwg.org/#path-state, #url-path-serializer):
 * <ul>
 *   <li>trailing C0 controls and spaces of the target are dropped, then every tab, LF and CR anywhere;</li>
 *   <li>the path ends at the first {@code ?} or {@code #} (query and fragment are not part of it);</li>
 *   <li>{@code /} and {@code \} both separate segments (a leading one starts the path);</li>
 *   <li>segments {@code .} and {@code ..}, also spelt {@code %2e} in either case ({@code .%2E}, {@code %2e.}, ...),
 *       are resolved: {@code .} is dropped, {@code ..} drops the segment before it (never above the root); when
 *       such a segment is the last one, the path keeps a trailing {@code /};</li>
 *   <li>percent escapes stay exactly as written: nothing is decoded, hex case is kept, and a {@code %} not followed
 *       by two hex digits ({@code %zz}, a trailing {@code %}) stays as it is;</li>
 *   <li>characters in the path percent-encode set are percent-encoded as UTF-8 with uppercase hex: C0 controls,
 *       space, {@code "}, {@code <}, {@code >}, {@code `}, {@code {}, {@code }}, and every code point above
 *       {@code ~} (DEL and all non-ASCII; an unpaired surrogate counts as U+FFFD); everything else
 *       ({@code | ^ [ ] ' ; = + :} ...) is kept;</li>
 *   <li>an empty path is {@code /}; empty segments ({@code //}) are kept.</li>
 * </ul>
 * So {@code /chat/my room}, {@code /chat/my%20room} and {@code /chat/x/../my%20room} all give
 * {@code /chat/my%20room}; {@code /chat/café} and {@code /chat/caf%C3%A9} give {@code /chat/caf%C3%A9}, while
 * {@code /chat/caf%c3%a9} stays a different namespace, as it is for crossws.
 *
 * <p>Stateless; every method is thread-safe, never blocks.
 */
public final class SyncNamespace {

    private static final HexFormat HEX = HexFormat.of().withUpperCase();

    private SyncNamespace() {
    }

    /**
     * An endpoint configurator that gives each session its exact crossws namespace, computed from the raw handshake
     * request ({@link #of(HandshakeRequest)}) and put under {@link SyncHub#NAMESPACE_PROPERTY} (Jakarta WebSocket
     * 2.1 copies the configuration's user properties into each session's). Use it where rooms may contain escapes
     * that a container decodes in the session's URI ({@code %2F}, lowercase escapes; Tyrus, hence Payara and
     * GlassFish, does):
     *
     * <pre>
     * &#64;ServerEndpoint(value = "/chat/{room}", configurator = SyncNamespace.Configurator.class)
     * </pre>
     *
     * Without it the hub derives the namespace from the session ({@link #of(Session)}), which is exact for spaces
     * and non-ASCII on every container tested and for everything on Undertow (WildFly). Subclass it to combine it
     * with a configurator of your own (call {@code super.modifyHandshake}).
     */
    public static class Configurator extends ServerEndpointConfig.Configurator {

        /** Creates the configurator (containers instantiate it). */
        public Configurator() {
        }

        @Override
        public void modifyHandshake(ServerEndpointConfig config, HandshakeRequest request, HandshakeResponse response) {
            super.modifyHandshake(config, request, response);
            config.getUserProperties().put(SyncHub.NAMESPACE_PROPERTY, of(request));
        }
    }

    /**
     * The crossws namespace of {@code session}: {@link #pathname(String)} of its handshake request URI's raw path.
     * Containers differ in what {@link Session#getRequestURI()} holds: Tyrus decodes the path and re-quotes only
     * what a URI cannot hold ({@code %20} stays, {@code café} comes back decoded, {@code %2F} comes back as
     * {@code /}). A decoded non-ASCII character is percent-encoded again as UTF-8 with uppercase hex, which is what
     * browsers and the JDK client send, so spaces and non-ASCII rooms come out right; escapes the container decoded
     * into ASCII ({@code %2F}, {@code %41}) or lowercase escapes cannot be recovered from a session: use
     * {@link Configurator} where exactness matters.
     *
     * @param session an open or opening session
     * @return the namespace, never null; {@code "/"} when the session has no request URI
     */
    public static String of(Session session) {
        return of(session.getRequestURI());
    }

    /**
     * The crossws namespace of a handshake: {@link #pathname(String)} of its request URI's raw path. Unlike
     * {@link Session#getRequestURI()}, the handshake request's URI is the raw request target on Tyrus (Payara,
     * GlassFish), so this is exact where {@link #of(Session)} cannot be: Tyrus hands sessions a URI whose path it
     * decoded ({@code %2F} becomes {@code /}, lowercase escapes come back uppercase).
     *
     * @param request the handshake request, as a {@code ServerEndpointConfig.Configurator} sees it
     * @return the namespace, never null; {@code "/"} when the request has no URI
     */
    public static String of(HandshakeRequest request) {
        return of(request.getRequestURI());
    }

    private static String of(URI uri) {
        if (uri == null) {
            return "/";
        }
        String path = uri.getRawPath();
        if (!uri.isAbsolute() && uri.getRawAuthority() != null) {
            // A relative "//x/y" parses as an authority; to crossws it is the path "//x/y".
            path = "//" + uri.getRawAuthority() + (path == null ? "" : path);
        }
        return pathname(path == null ? "" : path);
    }

    /**
     * The WHATWG URL {@code pathname} of a raw request target for a special scheme (http, ws), as
     * {@code new URL("http://h" + target).pathname} computes it in Node.js; see the class description for the rules.
     *
     * @param target a raw request target (origin form: a path, with or without query and fragment); as for crossws,
     *               a target that does not start with {@code /} or {@code \} is read as if it did
     * @return the pathname, never empty; starts with {@code /}
     * @throws NullPointerException if {@code target} is null
     */
    public static String pathname(String target) {
        Objects.requireNonNull(target, "target (a raw request target such as \"/chat/room\") must not be null");
        String input = withoutTabsAndNewlines(stripTrailingControlsAndSpaces(target));
        int length = input.length();
        int i = 0;
        if (i < length && isSeparator(input.charAt(i))) {
            i++;
        }
        List<String> segments = new ArrayList<>();
        StringBuilder buffer = new StringBuilder();
        while (true) {
            int c = i < length ? input.codePointAt(i) : -1;
            if (c == -1 || c == '?' || c == '#' || isSeparator(c)) {
                String segment = buffer.toString();
                buffer.setLength(0);
                boolean separator = c != -1 && isSeparator(c);
                if (isDoubleDot(segment)) {
                    if (!segments.isEmpty()) {
                        segments.remove(segments.size() - 1);
                    }
                    if (!separator) {
                        segments.add("");
                    }
                } else if (isSingleDot(segment)) {
                    if (!separator) {
                        segments.add("");
                    }
                } else {
                    segments.add(segment);
                }
                if (!separator) {
                    break;
                }
            } else {
                appendEncoded(c, buffer);
            }
            i += Character.charCount(c);
        }
        StringBuilder out = new StringBuilder(input.length() + 8);
        for (String segment : segments) {
            out.append('/').append(segment);
        }
        return out.isEmpty() ? "/" : out.toString();
    }

    private static boolean isSeparator(int c) {
        return c == '/' || c == '\\';
    }

    private static boolean isSingleDot(String segment) {
        return segment.equals(".") || segment.equalsIgnoreCase("%2e");
    }

    private static boolean isDoubleDot(String segment) {
        return switch (segment.length()) {
            case 2 -> segment.equals("..");
            case 4 -> segment.equalsIgnoreCase(".%2e") || segment.equalsIgnoreCase("%2e.");
            case 6 -> segment.equalsIgnoreCase("%2e%2e");
            default -> false;
        };
    }

    /** Appends {@code c}, UTF-8 percent-encoded if it is in the path percent-encode set. */
    private static void appendEncoded(int c, StringBuilder buffer) {
        boolean encode = c <= 0x20 || c > 0x7E
                || c == '"' || c == '<' || c == '>' || c == '`' || c == '{' || c == '}';
        if (!encode) {
            buffer.append((char) c);
            return;
        }
        int scalar = c <= 0xFFFF && Character.isSurrogate((char) c) ? 0xFFFD : c;
        for (byte b : Character.toString(scalar).getBytes(StandardCharsets.UTF_8)) {
            buffer.append('%');
            HEX.toHexDigits(buffer, b);
        }
    }

    private static String stripTrailingControlsAndSpaces(String s) {
        int end = s.length();
        while (end > 0 && s.charAt(end - 1) <= 0x20) {
            end--;
        }
        return s.substring(0, end);
    }

    private static String withoutTabsAndNewlines(String s) {
        if (s.indexOf('\t') < 0 && s.indexOf('\n') < 0 && s.indexOf('\r') < 0) {
            return s;
        }
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch != '\t' && ch != '\n' && ch != '\r') {
                out.append(ch);
            }
        }
        return out.toString();
    }
}
