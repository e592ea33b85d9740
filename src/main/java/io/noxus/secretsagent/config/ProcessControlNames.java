package io.noxus.secretsagent.config;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Variable names that change how a program is loaded or run rather than carrying data: whoever sets one can make
 * every process that receives the env file load a library, run a start-up file, import a module or trust another
 * CA. A {@code bulk} mapping never produces them (its names come from the backend); an {@code env:} mapping only
 * with {@code allow_process_control: true}. Names are case-sensitive, as the programs reading them are:
 * {@code ld_preload} is not {@code LD_PRELOAD}, which is why a bulk name is checked after its prefix and transform.
 * docs/formats.md lists the families and the sources.
 */
public final class ProcessControlNames {
    private record Family(String reason, Set<String> names, List<String> prefixes) {
        boolean covers(String name) {
            return names.contains(name) || coversEveryNameStartingWith(name);
        }

        boolean coversEveryNameStartingWith(String prefix) {
            for (String familyPrefix : prefixes) { // a loop, not a stream: called once per mapping at start-up
                if (prefix.startsWith(familyPrefix)) {
                    return true;
                }
            }
            return false;
        }
    }

    private static final List<Family> FAMILIES = List.of(
            new Family("the dynamic loader reads every LD_* variable (LD_PRELOAD and LD_AUDIT load a library into the "
                    + "program, LD_LIBRARY_PATH chooses where libraries come from)", Set.of(), List.of("LD_")),
            // glibc's sysdeps/generic/unsecvars.h (the variables it drops for setuid programs), without its LD_*
            // entries (above), plus GLIBC_TUNABLES and the MALLOC_* aliases of malloc tunables.
            new Family("glibc reads it to load code or data files or to change the C library's behaviour (the glibc "
                    + "list of variables unsafe for setuid programs, GLIBC_TUNABLES, MALLOC_*)",
                    Set.of("GCONV_PATH", "GETCONF_DIR", "HOSTALIASES", "LOCALDOMAIN", "LOCPATH", "NIS_PATH",
                            "NLSPATH", "RESOLV_HOST_CONF", "RES_OPTIONS", "TMPDIR", "TZDIR", "GLIBC_TUNABLES"),
                    List.of("MALLOC_")),
            new Family("shells read it: the command search path, word splitting, a start-up file to run, shell "
                    + "options, exported functions, or prompts expanded with command substitution",
                    Set.of("PATH", "IFS", "CDPATH", "ENV", "BASH_ENV", "SHELLOPTS", "BASHOPTS", "POSIXLY_CORRECT",
                            "BASH_XTRACEFD", "BASH_LOADABLES_PATH", "BASH_COMPAT", "PS0", "PS1", "PS2", "PS3", "PS4",
                            "PROMPT_COMMAND"),
                    List.of("BASH_FUNC_")),
            new Family("Python reads every PYTHON* variable (module search path, start-up file, warning filters that "
                    + "import modules, interpreter modes); python -E ignores exactly this family", Set.of(),
                    List.of("PYTHON")),
            new Family("Node.js reads it: extra command-line options, the module search path, preloaded modules, "
                    + "trusted CA certificates or TLS checking",
                    Set.of("NODE_OPTIONS", "NODE_PATH", "NODE_EXTRA_CA_CERTS", "NODE_TLS_REJECT_UNAUTHORIZED",
                            "NODE_USE_SYSTEM_CA", "NODE_REPL_EXTERNAL_MODULE", "NODE_ICU_DATA",
                            "NODE_PRESERVE_SYMLINKS", "NODE_PRESERVE_SYMLINKS_MAIN", "NODE_REDIRECT_WARNINGS",
                            "NODE_V8_COVERAGE", "NODE_DEBUG", "NODE_DEBUG_NATIVE", "NODE_PENDING_DEPRECATION",
                            "NODE_NO_WARNINGS", "NODE_COMPILE_CACHE", "NODE_DISABLE_COMPILE_CACHE",
                            "NODE_REPL_HISTORY", "NODE_SKIP_PLATFORM_CHECK", "NODE_USE_ENV_PROXY", "NODE_UNIQUE_ID",
                            "NODE_TEST_CONTEXT", "UV_THREADPOOL_SIZE", "UV_USE_IO_URING"),
                    List.of()),
            new Family("the JVM or its launchers read it: extra JVM options (-javaagent loads code), the class path or "
                    + "the Java installation to run",
                    Set.of("JAVA_TOOL_OPTIONS", "_JAVA_OPTIONS", "JDK_JAVA_OPTIONS", "JAVA_OPTS", "JAVA_OPTIONS",
                            "CLASSPATH", "JAVA_HOME"),
                    List.of()),
            new Family("Perl reads it: extra switches (-M loads a module), the module search path, the debugger or "
                    + "I/O layers", Set.of("PERLLIB", "PERLDB_OPTS"), List.of("PERL5", "PERL_", "PERLIO")),
            new Family("Ruby reads it: extra options (-r loads a library), the load path, gem paths or VM settings",
                    Set.of("RUBYOPT", "RUBYLIB", "RUBYPATH", "RUBYSHELL", "GEM_HOME", "GEM_PATH"),
                    List.of("RUBY_")),
            new Family("OpenSSL reads it: a configuration that can load engines or providers (shared libraries), or "
                    + "the CA certificates TLS clients trust",
                    Set.of("OPENSSL_CONF", "OPENSSL_ENGINES", "OPENSSL_MODULES", "SSL_CERT_FILE", "SSL_CERT_DIR"),
                    List.of()));

    private ProcessControlNames() {
    }

    /** Why this name changes how a process loads or runs; empty for an ordinary (data) name. */
    public static Optional<String> reason(String name) {
        for (Family family : FAMILIES) {
            if (family.covers(name)) {
                return Optional.of(family.reason());
            }
        }
        return Optional.empty();
    }

    /** Why every name a bulk mapping with this prefix could produce is a process-control name; empty otherwise. */
    public static Optional<String> reasonForEveryNameWithPrefix(String prefix) {
        return FAMILIES.stream().filter(f -> f.coversEveryNameStartingWith(prefix)).map(Family::reason).findFirst();
    }
}
