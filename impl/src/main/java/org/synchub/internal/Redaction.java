package org.synchub.internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Keeps passwords out of what drivers report and print. Shared by the drivers that take connection URLs (Redis,
 * PostgreSQL): {@link #url(String)} masks the credentials a URL may carry; an instance made with
 * {@link #of(String, String...)} also masks the literal secret values of one configuration wherever they appear
 * (a client library may echo a URL, or part of it, in its own exception messages), in text and in whole exception
 * chains. Immutable and thread-safe; never throws for any input.
 */
public final class Redaction {

    /** What replaces a secret. */
    public static final String MASK = "***";

    /** The user-info part of a URL ({@code //user:password@} or {@code //password@}). */
    private static final Pattern USER_INFO = Pattern.compile("//[^/@\\s?#]*@");
    /**
     * A password given as a parameter ({@code password=}, {@code sslpassword=}, any case, in a query string, a
     * property list or a connection string).
     */
    private static final Pattern PASSWORD_PARAMETER =
            Pattern.compile("(?i)((?:ssl)?(?:password|passwd|pwd)\\s*=\\s*)([^&;\\s'\"]*)");

    private static final Redaction NONE = new Redaction(List.of());

    /** Literal secrets, longest first (so that a secret containing another is masked whole). */
    private final List<String> secrets;

    private Redaction(List<String> secrets) {
        this.secrets = secrets;
    }

    /**
     * {@code url} with its credentials masked: the user-info ({@code scheme://***@host}) and every password
     * parameter's value ({@code password=***}). Null stays null.
     *
     * @param url a URL or any text that may contain one
     * @return the text with credentials masked
     */
    public static String url(String url) {
        return NONE.text(url);
    }

    /**
     * A redaction for one connection configuration: masks what {@link #url(String)} masks, plus the literal values
     * of the passwords found in {@code url} (user-info password, password parameters) and of {@code passwords}
     * (null or empty ones are ignored).
     *
     * @param url       the configured URL (may be null)
     * @param passwords passwords configured apart from the URL
     * @return the redaction
     */
    public static Redaction of(String url, String... passwords) {
        Set<String> found = new LinkedHashSet<>();
        if (url != null) {
            Matcher userInfo = USER_INFO.matcher(url);
            while (userInfo.find()) {
                String info = url.substring(userInfo.start() + 2, userInfo.end() - 1);
                found.add(info.substring(info.indexOf(':') + 1));
            }
            Matcher parameter = PASSWORD_PARAMETER.matcher(url);
            while (parameter.find()) {
                found.add(parameter.group(2));
            }
        }
        for (String password : passwords) {
            found.add(password);
        }
        List<String> secrets = new ArrayList<>();
        for (String secret : found) {
            if (secret != null && !secret.isEmpty()) {
                secrets.add(secret);
                String decoded = percentDecoded(secret);
                if (!decoded.equals(secret)) {
                    secrets.add(decoded);
                }
            }
        }
        secrets.sort((a, b) -> b.length() - a.length());
        return new Redaction(List.copyOf(secrets));
    }

    /**
     * {@code text} with credentials and this configuration's secrets masked. Null stays null.
     *
     * @param text any text
     * @return the masked text
     */
    public String text(String text) {
        if (text == null) {
            return null;
        }
        String masked = USER_INFO.matcher(text).replaceAll("//" + MASK + "@");
        masked = PASSWORD_PARAMETER.matcher(masked).replaceAll("$1" + Matcher.quoteReplacement(MASK));
        for (String secret : secrets) {
            masked = masked.replace(secret, MASK);
        }
        return masked;
    }

    /**
     * {@code error} itself when no message in its chain (causes and suppressed exceptions) holds a secret;
     * otherwise a copy of the chain in which every exception is a {@link RedactedException} that prints as the
     * original class name and the masked message, with the original stack traces.
     *
     * @param error an exception to report (may be null)
     * @return an exception safe to report
     */
    public Throwable throwable(Throwable error) {
        if (error == null || clean(error, Collections.newSetFromMap(new IdentityHashMap<>()))) {
            return error;
        }
        return copy(error, new IdentityHashMap<>());
    }

    /**
     * {@link #throwable(Throwable)} for code that may only throw checked {@link Exception}s.
     *
     * @param error an exception to rethrow
     * @return an exception safe to report: {@code error} itself, or its masked copy
     */
    public Exception exception(Exception error) {
        Throwable safe = throwable(error);
        return safe instanceof Exception e ? e : error;
    }

    private boolean clean(Throwable error, Set<Throwable> seen) {
        if (!seen.add(error)) {
            return true;
        }
        String message = error.getMessage();
        if (message != null && !message.equals(text(message))) {
            return false;
        }
        if (error.getCause() != null && !clean(error.getCause(), seen)) {
            return false;
        }
        for (Throwable suppressed : error.getSuppressed()) {
            if (!clean(suppressed, seen)) {
                return false;
            }
        }
        return true;
    }

    private Throwable copy(Throwable error, Map<Throwable, Throwable> copies) {
        Throwable done = copies.get(error);
        if (done != null) {
            return done;
        }
        RedactedException copy = new RedactedException(error.getClass().getName(), text(error.getMessage()));
        copies.put(error, copy);
        if (error.getCause() != null) {
            copy.initCause(copy(error.getCause(), copies));
        }
        copy.setStackTrace(error.getStackTrace());
        for (Throwable suppressed : error.getSuppressed()) {
            copy.addSuppressed(copy(suppressed, copies));
        }
        return copy;
    }

    private static String percentDecoded(String value) {
        try {
            return java.net.URLDecoder.decode(value.replace("+", "%2B"), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IllegalArgumentException notEncoded) {
            return value;
        }
    }

    /**
     * An exception whose message had a secret masked: prints as {@code <original class>: <masked message>} and
     * keeps the original stack trace.
     */
    public static final class RedactedException extends Exception {

        private static final long serialVersionUID = 1L;

        /** The fully qualified name of the class of the exception this one replaces (part of the serial form). */
        private final String originalClass;

        RedactedException(String originalClass, String message) {
            super(message);
            this.originalClass = originalClass;
        }

        /**
         * The name of the class of the exception this one replaces.
         *
         * @return a fully qualified class name
         */
        public String originalClass() {
            return originalClass;
        }

        @Override
        public String toString() {
            String message = getLocalizedMessage();
            return message == null ? originalClass : originalClass + ": " + message;
        }
    }

    @Override
    public String toString() {
        return "Redaction[" + secrets.size() + " secret(s)]";
    }
}
