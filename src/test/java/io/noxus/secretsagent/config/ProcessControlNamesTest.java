package io.noxus.secretsagent.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ProcessControlNamesTest {
    /** glibc's sysdeps/generic/unsecvars.h, the variables glibc itself drops for setuid programs. */
    @ParameterizedTest
    @ValueSource(strings = {"GCONV_PATH", "GETCONF_DIR", "HOSTALIASES", "LD_AUDIT", "LD_DEBUG", "LD_DEBUG_OUTPUT",
            "LD_DYNAMIC_WEAK", "LD_HWCAP_MASK", "LD_LIBRARY_PATH", "LD_ORIGIN_PATH", "LD_PRELOAD", "LD_PROFILE",
            "LD_SHOW_AUXV", "LOCALDOMAIN", "LOCPATH", "MALLOC_TRACE", "NIS_PATH", "NLSPATH", "RESOLV_HOST_CONF",
            "RES_OPTIONS", "TMPDIR", "TZDIR"})
    void everyVariableGlibcDropsForSetuidProgramsIsProcessControl(String name) {
        assertThat(ProcessControlNames.reason(name)).isPresent();
    }

    @ParameterizedTest
    @ValueSource(strings = {"LD_BIND_NOW", "LD_ANYTHING_NEW", "GLIBC_TUNABLES", "MALLOC_CHECK_", "MALLOC_ARENA_MAX",
            "PATH", "IFS", "ENV", "BASH_ENV", "CDPATH", "SHELLOPTS", "BASHOPTS", "PS4", "PROMPT_COMMAND",
            "BASH_FUNC_ls", "BASH_XTRACEFD", "POSIXLY_CORRECT",
            "PYTHONPATH", "PYTHONSTARTUP", "PYTHONHOME", "PYTHONINSPECT", "PYTHONWARNINGS", "PYTHONBREAKPOINT",
            "PYTHONUSERBASE", "PYTHON_PRESITE", "NODE_OPTIONS", "NODE_PATH", "NODE_EXTRA_CA_CERTS",
            "NODE_TLS_REJECT_UNAUTHORIZED", "JAVA_TOOL_OPTIONS", "_JAVA_OPTIONS", "JDK_JAVA_OPTIONS", "CLASSPATH",
            "PERL5OPT", "PERL5LIB", "PERLLIB", "PERL5DB", "PERLIO", "RUBYOPT", "RUBYLIB", "RUBY_YJIT_ENABLE",
            "GEM_PATH", "OPENSSL_CONF", "OPENSSL_MODULES", "SSL_CERT_FILE"})
    void loaderShellAndInterpreterVariablesAreProcessControl(String name) {
        assertThat(ProcessControlNames.reason(name)).as(name).isPresent();
    }

    /** Programs read these names case-sensitively; custom-node secrets use the NODE_ prefix. */
    @ParameterizedTest
    @ValueSource(strings = {"ld_preload", "Ld_Preload", "LD", "LDAP_URL", "LDAP_PASSWORD", "PATHS", "MY_PATH",
            "NODE_WEATHER", "NODE_SEARCH_API_KEY", "NODE_ENV", "DATABASE_URL", "REDIS_URL", "ENVIRONMENT", "HOME",
            "JAVA_VERSION", "PERLIN_SEED", "RUBYGEMS_TOKEN", "BASH", "OPENSSL_VERSION"})
    void dataVariablesAndLowerCaseLookAlikesAreNot(String name) {
        assertThat(ProcessControlNames.reason(name)).as(name).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"LD_", "LD_PRE", "MALLOC_", "BASH_FUNC_", "PYTHON", "PYTHON_", "PERL5", "PERL_", "RUBY_"})
    void aBulkPrefixIsRefusedWhenEveryNameItCanGiveIsProcessControl(String prefix) {
        assertThat(ProcessControlNames.reasonForEveryNameWithPrefix(prefix)).as(prefix).isPresent();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "L", "LD", "NODE_", "PATH", "JAVA_", "BASH_", "P"})
    void aBulkPrefixThatCanAlsoGiveDataNamesIsLeftToTheRenderTimeCheck(String prefix) {
        assertThat(ProcessControlNames.reasonForEveryNameWithPrefix(prefix)).as(prefix).isEmpty();
    }
}
