import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/** The line each probe ends with: live threads and resident memory after its polls. */
final class ProbeReport {
    private ProbeReport() {
    }

    static void print(String client, int polls) throws IOException {
        String rss = Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("VmRSS"))
                .findFirst().orElse("VmRSS: ?").replaceAll("\\s+", " ");
        System.out.println(client + " polls=" + polls + " threads=" + ManagementFactory.getThreadMXBean()
                .getThreadCount() + " " + rss);
    }
}
