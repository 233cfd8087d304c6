package org.synchub.cdi;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A topic template of {@code @SyncTopics}/{@code @Broadcast}, parsed once: constant text and {@code {name}} path
 * parameters. Immutable and thread-safe.
 */
final class TopicTemplate {

    private static final Pattern PARAMETER = Pattern.compile("\\{([^{}/]+)}");

    /** Literal parts at even indexes, parameter names at odd ones; a constant has one part. */
    private final String[] parts;

    private TopicTemplate(String[] parts) {
        this.parts = parts;
    }

    /** The path parameters of a {@code @ServerEndpoint} path such as {@code /chat/{room}}. */
    static Set<String> pathParameters(String path) {
        Set<String> names = new java.util.LinkedHashSet<>();
        Matcher m = PARAMETER.matcher(path);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    /**
     * Parses {@code template}, whose parameters must all be in {@code known}.
     *
     * @throws IllegalArgumentException saying what is wrong with it
     */
    static TopicTemplate parse(String template, Set<String> known) {
        if (template == null || template.isEmpty()) {
            throw new IllegalArgumentException("an empty topic");
        }
        List<String> parts = new ArrayList<>();
        Matcher m = PARAMETER.matcher(template);
        int end = 0;
        while (m.find()) {
            String name = m.group(1);
            if (!known.contains(name)) {
                throw new IllegalArgumentException("unknown path parameter {" + name + "} in \"" + template
                        + "\" (the @ServerEndpoint path has " + (known.isEmpty() ? "none" : known) + ")");
            }
            parts.add(template.substring(end, m.start()));
            parts.add(name);
            end = m.end();
        }
        parts.add(template.substring(end));
        for (int i = 0; i < parts.size(); i += 2) {
            if (parts.get(i).indexOf('{') >= 0 || parts.get(i).indexOf('}') >= 0) {
                throw new IllegalArgumentException("unbalanced braces in \"" + template + "\"");
            }
        }
        return new TopicTemplate(parts.toArray(String[]::new));
    }

    /** The topic for a session with these path parameters. */
    String resolve(Map<String, String> pathParameters) {
        if (parts.length == 1) {
            return parts[0];
        }
        if (parts.length == 3 && parts[0].isEmpty() && parts[2].isEmpty()) {
            return value(pathParameters, parts[1]);
        }
        StringBuilder topic = new StringBuilder(parts[0]);
        for (int i = 1; i < parts.length; i += 2) {
            topic.append(value(pathParameters, parts[i])).append(parts[i + 1]);
        }
        return topic.toString();
    }

    private static String value(Map<String, String> pathParameters, String name) {
        String value = pathParameters.get(name);
        if (value == null) {
            throw new IllegalStateException("the session has no path parameter {" + name + "}");
        }
        return value;
    }

    static String[] resolveAll(TopicTemplate[] templates, Map<String, String> pathParameters) {
        String[] topics = new String[templates.length];
        for (int i = 0; i < templates.length; i++) {
            topics[i] = templates[i].resolve(pathParameters);
        }
        return topics;
    }
}
