package org.synchub.container;

import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.EmptyAsset;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.synchub.container.probe.ProbeServlet;
import org.synchub.tck.Await;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * Builds the test deployments with ShrinkWrap: the chat example's classes ({@code org.synchub.example}), the probe
 * servlet, the jars of the example's {@code WEB-INF/lib} (SyncHub, Jedis, pgjdbc and their dependencies, copied by
 * the build to {@code synchub.it.deployment-lib}), a MicroProfile Config file with the given keys, and a beans.xml
 * in {@code annotated} mode, optionally enabling alternatives. Client side only.
 */
public final class Deployments {

    private Deployments() {
    }

    /** The chat example with the probe servlet, configured by {@code config}. */
    public static WebArchive chat(String name, Map<String, String> config) {
        return chat(name, config, jar -> true);
    }

    /** As {@link #chat(String, Map)}, with only the library jars that {@code libraries} accepts (by file name). */
    public static WebArchive chat(String name, Map<String, String> config, Predicate<String> libraries) {
        return chat(name, config, libraries, beansXml());
    }

    /** As {@link #chat(String, Map, Predicate)}, with {@code beansXml} as {@code WEB-INF/beans.xml}. */
    public static WebArchive chat(String name, Map<String, String> config, Predicate<String> libraries,
                                  String beansXml) {
        WebArchive war = ShrinkWrap.create(WebArchive.class, name + ".war")
                .addPackage("org.synchub.example")
                .addPackage(ProbeServlet.class.getPackage())
                .addClass(Await.class)
                .addAsLibraries(libraries(libraries))
                .addAsResource(new StringAsset(properties(config)), "META-INF/microprofile-config.properties");
        return war.addAsWebInfResource(new StringAsset(beansXml), "beans.xml");
    }

    /**
     * The README's endpoint ({@code org.example.chat.ChatEndpoint}, the README's code block) alone with SyncHub's
     * jars and {@code config}, and no beans.xml: what the README and docs/deploying.md tell a user to build.
     */
    public static WebArchive readmeEndpoint(String name, Map<String, String> config) {
        return ShrinkWrap.create(WebArchive.class, name + ".war")
                .addClass(org.example.chat.ChatEndpoint.class)
                .addAsLibraries(libraries(jar -> true))
                .addAsResource(new StringAsset(properties(config)), "META-INF/microprofile-config.properties");
    }

    /**
     * {@code type} alone with SyncHub's jars, on the jvm driver, and no beans.xml (a bean-defining annotation on
     * {@code type} makes CDI discover it): a deployment of one misuse of the declarative annotations.
     */
    public static WebArchive misuse(String name, Class<?> type) {
        Map<String, String> config = new TreeMap<>();
        config.put("synchub.driver", "jvm");
        config.put("synchub.channel", name);
        return ShrinkWrap.create(WebArchive.class, name + ".war")
                .addClass(type)
                .addAsLibraries(libraries(jar -> true))
                .addAsResource(new StringAsset(properties(config)), "META-INF/microprofile-config.properties");
    }

    /** A beans.xml in annotated mode that enables the given alternative classes. */
    public static String beansXml(Class<?>... alternatives) {
        StringBuilder xml = new StringBuilder("""
                <?xml version="1.0" encoding="UTF-8"?>
                <beans xmlns="https://jakarta.ee/xml/ns/jakartaee"
                       xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
                       xsi:schemaLocation="https://jakarta.ee/xml/ns/jakartaee https://jakarta.ee/xml/ns/jakartaee/beans_4_0.xsd"
                       version="4.0" bean-discovery-mode="annotated">
                """);
        if (alternatives.length > 0) {
            xml.append("  <alternatives>\n");
            for (Class<?> c : alternatives) {
                xml.append("    <class>").append(c.getName()).append("</class>\n");
            }
            xml.append("  </alternatives>\n");
        }
        return xml.append("</beans>\n").toString();
    }

    /** The redis driver on {@code channel}, against the tests' private Redis. */
    public static Map<String, String> redis(String channel) {
        Map<String, String> config = new TreeMap<>();
        config.put("synchub.driver", "redis");
        config.put("synchub.channel", channel);
        config.put("synchub.redis.url", System.getProperty("synchub.it.redis.url"));
        return config;
    }

    /** The pgsql driver (its own connections from the URL) on {@code channel}, against the private PostgreSQL. */
    public static Map<String, String> pgsql(String channel) {
        Map<String, String> config = new TreeMap<>();
        config.put("synchub.driver", "pgsql");
        config.put("synchub.channel", channel);
        config.put("synchub.pgsql.url", System.getProperty("synchub.it.pgsql.url"));
        config.put("synchub.pgsql.user", System.getProperty("synchub.it.pgsql.user"));
        return config;
    }

    static String properties(Map<String, String> config) {
        StringBuilder s = new StringBuilder();
        config.forEach((k, v) -> s.append(k).append('=').append(v.replace("\\", "\\\\")).append('\n'));
        return s.toString();
    }

    private static File[] libraries(Predicate<String> accept) {
        Path dir = Path.of(System.getProperty("synchub.it.deployment-lib", "target/deployment-lib"));
        try (Stream<Path> jars = Files.list(dir)) {
            File[] files = jars.filter(p -> p.toString().endsWith(".jar"))
                    .filter(p -> accept.test(p.getFileName().toString()))
                    .map(Path::toFile).sorted().toArray(File[]::new);
            if (files.length == 0) {
                throw new IllegalStateException("no jars in " + dir + ": run the build's package phase first");
            }
            return files;
        } catch (IOException e) {
            throw new IllegalStateException("cannot list the deployment libraries in " + dir
                    + " (set synchub.it.deployment-lib)", e);
        }
    }

    /** An empty marker file, for archives that need one. */
    static EmptyAsset empty() {
        return EmptyAsset.INSTANCE;
    }
}
