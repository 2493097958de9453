package dev.nestcheck.process;

import java.nio.file.Paths;

/** {@code exec:} names of the Java protocol server in a child JVM, on this test JVM's class path. */
public final class JavaChild {
    private JavaChild() {
    }

    public static String exec(String... serverArgs) {
        String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        StringBuilder b = new StringBuilder("exec:'").append(java).append("' -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -cp '")
                .append(System.getProperty("java.class.path")).append("' dev.nestcheck.process.server.ProtocolServer");
        for (String a : serverArgs) b.append(' ').append(a);
        return b.toString();
    }
}
