/*
** test_util.h: a tiny assertion framework for the C tests of kt.h. No external libraries.
**
** Include it first in a test file (it sets _POSIX_C_SOURCE for sigaction, fork, setenv).
**
**   CHECK(cond)                          a condition; prints file:line and the expression
**   CHECK_STATUS(expr, expected)         a kt status; on failure prints both codes with
**                                        kt_errstr() and the thread's kt_last_error()
**   CHECK_ERROR(expr, expected, arg)     CHECK_STATUS, and kt_last_error() must name arg as a
**                                        word (not inside a longer identifier or word: "out"
**                                        is not found in "timeout", "name" is in "name_len")
**   CHECK_LAST_ERROR_NAMES(arg), CHECK_LAST_ERROR_NAMES_ONE_OF(arg, other)
**                                        the same for the last failed call, whatever it was
**   NOTE(fmt, ...)                       context printed with every failure until the next
**                                        NOTE or the end of the test
**   RUN(test_fn)                         runs a static void test_fn(void), counting it failed
**                                        when any of its checks failed
**   return tu_summary();                 prints the one line "N passed, N failed" (tests, not
**                                        checks) and gives the exit code, non-zero on failure
**
** A crash (SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT) prints the test that was running and its
** last check before the process dies; call tu_install_crash_handler() first thing in main,
** before the first kt_ call, so the runtime chains to it for faults outside managed code.
*/
#ifndef KT_TEST_UTIL_H
#define KT_TEST_UTIL_H

#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kt.h"

/* A string literal as the pointer-and-length pair every kt_ function takes. */
#define S(literal) (literal), (sizeof(literal) - 1)

static int tu_tests_passed;
static int tu_tests_failed;
static long tu_checks;
static long tu_checks_failed;
static int tu_current_failures;
static const char *tu_current_test = "(before the first test)";
static const char *tu_last_file = "";
static int tu_last_line;
static char tu_note[256];

/* The name of a code as the header spells it, e.g. "KT_E_STALE". */
static inline const char *tu_code_name(int code)
{
    switch (code) {
#define TU_CODE_NAME(name, value, message) case value: return "KT_" #name;
        KT_STATUS_MAP(TU_CODE_NAME)
#undef TU_CODE_NAME
    default: return "(not a kt status)";
    }
}

static inline void tu_set_note(const char *format, ...)
{
    va_list args;
    va_start(args, format);
    vsnprintf(tu_note, sizeof tu_note, format, args);
    va_end(args);
}
#define NOTE tu_set_note

static inline void tu_fail_header(const char *file, int line)
{
    if (tu_current_failures == 0)
        printf("FAIL %s\n", tu_current_test);
    tu_current_failures++;
    tu_checks_failed++;
    printf("  %s:%d: ", file, line);
}

static inline void tu_print_note(void)
{
    if (tu_note[0] != '\0')
        printf("    note: %s\n", tu_note);
}

static inline int tu_check(int ok, const char *file, int line, const char *expression)
{
    tu_checks++;
    tu_last_file = file;
    tu_last_line = line;
    if (ok)
        return 1;
    tu_fail_header(file, line);
    printf("CHECK(%s) failed\n", expression);
    tu_print_note();
    fflush(stdout);
    return 0;
}

/* CHECK with a line of detail (printf format) printed under the failure. */
static inline int tu_check_detail(int ok, const char *file, int line, const char *expression, const char *format, ...)
{
    va_list args;
    tu_checks++;
    tu_last_file = file;
    tu_last_line = line;
    if (ok)
        return 1;
    tu_fail_header(file, line);
    printf("CHECK(%s) failed\n      ", expression);
    va_start(args, format);
    vprintf(format, args);
    va_end(args);
    printf("\n");
    tu_print_note();
    fflush(stdout);
    return 0;
}

/* Copies the thread's message now: it is valid only until the thread's next kt_ call. */
static inline void tu_copy_last_error(char *buffer, size_t size)
{
    const char *message = kt_last_error();
    if (message == NULL)
        snprintf(buffer, size, "(kt_last_error() returned NULL)");
    else
        snprintf(buffer, size, "%s", message);
}

static inline int tu_is_word_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* True when text contains word with no letter or digit directly before or after it. */
static inline int tu_names(const char *text, const char *word)
{
    size_t length = strlen(word);
    const char *at = text;
    while ((at = strstr(at, word)) != NULL) {
        int starts = at == text || !tu_is_word_char(at[-1]);
        int ends = !tu_is_word_char(at[length]);
        if (starts && ends)
            return 1;
        at++;
    }
    return 0;
}

static inline int tu_check_status(int got, int expected, const char *argument, const char *file, int line,
                           const char *expression, const char *expected_text)
{
    char message[1024];
    int status_ok = got == expected;
    int names_ok = 1;
    tu_checks++;
    tu_last_file = file;
    tu_last_line = line;
    if (status_ok && argument == NULL)
        return 1;
    tu_copy_last_error(message, sizeof message);
    if (status_ok && argument != NULL)
        names_ok = tu_names(message, argument);
    if (status_ok && names_ok)
        return 1;
    tu_fail_header(file, line);
    if (!status_ok) {
        printf("%s\n      got      %d %s (\"%s\")\n", expression, got, tu_code_name(got), kt_errstr(got));
        printf("      expected %d %s (%s, \"%s\")\n", expected, tu_code_name(expected), expected_text,
               kt_errstr(expected));
    } else {
        printf("%s\n      gave %s as expected, but kt_last_error() does not name \"%s\"\n", expression,
               tu_code_name(got), argument);
    }
    printf("      kt_last_error(): \"%s\"%s\n", message, got == KT_OK ? " (left by an earlier failure)" : "");
    tu_print_note();
    fflush(stdout);
    return 0;
}

#define CHECK(cond) tu_check((cond) != 0, __FILE__, __LINE__, #cond)
#define CHECK_STATUS(expr, expected) \
    tu_check_status((expr), (expected), NULL, __FILE__, __LINE__, #expr, #expected)
#define CHECK_ERROR(expr, expected, argument) \
    tu_check_status((expr), (expected), (argument), __FILE__, __LINE__, #expr, #expected)

/* The current kt_last_error() names word, or either of two words (see CHECK_ERROR). */
#define CHECK_LAST_ERROR_NAMES(word) tu_check_last_error_names((word), NULL, __FILE__, __LINE__)
#define CHECK_LAST_ERROR_NAMES_ONE_OF(word, other) tu_check_last_error_names((word), (other), __FILE__, __LINE__)

static inline int tu_check_last_error_names(const char *word, const char *other, const char *file, int line)
{
    char message[1024];
    tu_copy_last_error(message, sizeof message);
    if (tu_check(tu_names(message, word) || (other != NULL && tu_names(message, other)), file, line,
                 "kt_last_error() names the argument"))
        return 1;
    printf("      wanted \"%s\"%s%s%s in kt_last_error(): \"%s\"\n", word, other ? " or \"" : "",
           other ? other : "", other ? "\"" : "", message);
    return 0;
}

static inline void tu_run(const char *name, void (*test)(void))
{
    tu_current_test = name;
    tu_current_failures = 0;
    tu_note[0] = '\0';
    test();
    tu_note[0] = '\0';
    if (tu_current_failures == 0) {
        tu_tests_passed++;
        printf("ok   %s\n", name);
    } else {
        tu_tests_failed++;
        printf("FAILED %s (%d failed checks)\n", name, tu_current_failures);
    }
    fflush(stdout);
}
#define RUN(test) tu_run(#test, test)

static inline int tu_summary(void)
{
    printf("checks: %ld run, %ld failed\n", tu_checks, tu_checks_failed);
    printf("%d passed, %d failed\n", tu_tests_passed, tu_tests_failed);
    fflush(stdout);
    return tu_tests_failed == 0 ? 0 : 1;
}

/* ---- crashes ----------------------------------------------------------------------- */

static inline void tu_write(const char *text)
{
    ssize_t ignored = write(STDOUT_FILENO, text, strlen(text));
    (void)ignored;
}

static inline void tu_crash(int signal_number)
{
    char number[16];
    int i = (int)sizeof number - 1;
    int n = tu_last_line;
    number[i] = '\0';
    do {
        number[--i] = (char)('0' + n % 10);
        n /= 10;
    } while (n > 0 && i > 0);
    tu_write("\nCRASH: ");
    tu_write(signal_number == SIGSEGV ? "SIGSEGV" : signal_number == SIGBUS ? "SIGBUS"
             : signal_number == SIGILL ? "SIGILL" : signal_number == SIGFPE ? "SIGFPE" : "SIGABRT");
    tu_write(" in test ");
    tu_write(tu_current_test);
    tu_write(", after the check at ");
    tu_write(tu_last_file);
    tu_write(":");
    tu_write(number + i);
    tu_write("\n");
    signal(signal_number, SIG_DFL);
    raise(signal_number);
}

static inline void tu_install_crash_handler(void)
{
    static const int signals[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT };
    struct sigaction action;
    size_t i;
    memset(&action, 0, sizeof action);
    action.sa_handler = tu_crash;
    sigemptyset(&action.sa_mask);
    for (i = 0; i < sizeof signals / sizeof signals[0]; i++)
        sigaction(signals[i], &action, NULL);
    setvbuf(stdout, NULL, _IOLBF, 0);
}

/* ---- helpers ----------------------------------------------------------------------- */

static inline int tu_all_zero(const uint8_t *bytes, size_t count)
{
    size_t i;
    for (i = 0; i < count; i++)
        if (bytes[i] != 0)
            return 0;
    return 1;
}

static inline int tu_all_equal(const void *memory, int value, size_t count)
{
    const unsigned char *bytes = (const unsigned char *)memory;
    size_t i;
    for (i = 0; i < count; i++)
        if (bytes[i] != (unsigned char)value)
            return 0;
    return 1;
}

static inline void tu_hex(const uint8_t *bytes, size_t count, char *out)
{
    static const char digits[] = "0123456789abcdef";
    size_t i;
    for (i = 0; i < count; i++) {
        out[2 * i] = digits[bytes[i] >> 4];
        out[2 * i + 1] = digits[bytes[i] & 15];
    }
    out[2 * count] = '\0';
}

/* A fixed-seed xorshift64 for forged handles: the same values on every run. */
static uint64_t tu_xorshift_state = 0x9E3779B97F4A7C15ull;
static inline uint64_t tu_xorshift64(void)
{
    uint64_t x = tu_xorshift_state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return tu_xorshift_state = x;
}

#endif /* KT_TEST_UTIL_H */
