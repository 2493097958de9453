package dev.nestcheck.process;

import dev.nestcheck.process.Json.ProtocolViolation;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A killed child's last words reach its failure, however much of its stderr was still unread; and
 * what it started dies with it.
 */
class ChildTest {
    /**
     * The handshake; 240 KB of noise on stderr, more than a pipe holds, so that some of it is still
     * unread when the garbage arrives; its last words; garbage on stdout; then it waits to be killed.
     */
    static final String NOISY = handshake("noisy") + "yes noise | head -n 40000 >&2; echo 'last words' >&2; echo 'this is not JSON'; exec sleep 60";

    @RepeatedTest(20)   // before the fix, 2 in 10 lost the end of the noise and the last words
    void theLastLinesOfAKilledChildsStderrAreInItsFailure() {
        Child child = Child.start(List.of("sh", "-c", NOISY), Duration.ofSeconds(10));
        assertThat(child.receive(Duration.ofSeconds(10), "the garbage")).isEqualTo("this is not JSON");
        ChildFailed failure = child.garbage("step 1 (kvm_vm_create)", new ProtocolViolation("not JSON"));
        assertThat(failure.getMessage()).endsWith("(child killed; stdout carries the protocol only, logs go to stderr); its stderr ends:"
                + " \"noise | noise | last words\"");
        assertThat(child.alive()).isFalse();
    }

    /**
     * An implementation behind a wrapper script is the wrapper's child: here a second shell, started
     * without exec, that hangs holding the pipes. Killing the wrapper alone left it running.
     */
    @Test
    void aKilledChildTakesWhatItStartedWithIt(@TempDir Path dir) throws Exception {
        Path pid = dir.resolve("implementation.pid");
        String implementation = "echo \\$\\$ > '" + pid + "'; echo 'this is not JSON'; exec sleep 60";
        Child child = Child.start(List.of("sh", "-c", handshake("wrapped") + "sh -c \"" + implementation + "\"; echo done"),
                Duration.ofSeconds(10));
        assertThat(child.receive(Duration.ofSeconds(10), "the garbage")).isEqualTo("this is not JSON");
        ProcessHandle started = ProcessHandle.of(Long.parseLong(Files.readString(pid).strip())).orElseThrow();
        child.garbage("step 1 (kvm_vm_create)", new ProtocolViolation("not JSON"));
        assertThat(started.onExit().get(5, TimeUnit.SECONDS).isAlive()).as("the wrapper's child").isFalse();
    }

    /** The shell command that writes the handshake of a kvm-component child called {@code name}. */
    static String handshake(String name) {
        return "printf '{\"protocol\": \"nestcheck-protocol/1\", \"name\": \"" + name + "\", \"components\": [\"kvm\"]}\\n'; ";
    }
}
