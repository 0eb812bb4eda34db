package io.anomalykit.conformance.cases;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;

/** Classpath folders and files of the kit and of the api-model jar, read the same way from a jar or a directory. */
final class Resources {

    private Resources() {
    }

    static String text(String name) {
        try (InputStream in = Resources.class.getClassLoader().getResourceAsStream(name)) {
            return new String(Objects.requireNonNull(in, () -> "missing resource " + name).readAllBytes(),
                    StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The names of the files directly in a classpath folder, sorted. */
    static List<String> fileNames(String folder) {
        URL url = Objects.requireNonNull(Resources.class.getClassLoader().getResource(folder), () -> "missing " + folder);
        try {
            URI uri = url.toURI();
            Path path;
            if (uri.getScheme().equals("jar")) {
                try {
                    path = FileSystems.getFileSystem(uri).provider().getPath(uri);
                } catch (FileSystemNotFoundException e) {
                    path = FileSystems.newFileSystem(uri, Map.of()).provider().getPath(uri);
                }
            } else {
                path = Path.of(uri);
            }
            try (Stream<Path> files = Files.list(path)) {
                return files.map(file -> file.getFileName().toString().replace("/", "")).sorted().toList();
            }
        } catch (IOException | URISyntaxException e) {
            throw new IllegalStateException("cannot list " + folder, e);
        }
    }
}
