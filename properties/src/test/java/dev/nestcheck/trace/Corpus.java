package dev.nestcheck.trace;

import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.util.List;

/** The regression corpus under src/test/resources/corpus, as found on the test class path. */
final class Corpus {
    /** One trace per rule section of RULES.md, plus TRACE.md's example. */
    static final List<String> REQUIRED = List.of("plat", "obj", "hwpt", "viommu", "nest", "vdev", "att", "ste",
            "vmid-s2parent", "vmid-viommu", "vmid-ictx", "vmid-kvm-pinned", "kvm", "inv", "tlb", "map", "s2inv",
            "trace-md-example");

    private Corpus() {
    }

    static Path dir() {
        URL url = Corpus.class.getResource("/corpus");
        if (url == null) throw new IllegalStateException("corpus folder not on the test class path");
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static List<Path> files() {
        return TraceFiles.expand(List.of(dir()));
    }
}
