package dev.lintas.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The version this build was made from. */
final class Version {

    private Version() {
    }

    static String get() {
        Properties properties = new Properties();
        try (InputStream in = Version.class.getResourceAsStream("/lintas-version.properties")) {
            if (in != null) {
                properties.load(in);
            }
        } catch (IOException e) {
            // falls through to unknown
        }
        return properties.getProperty("version", "unknown");
    }
}
