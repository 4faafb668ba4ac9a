#define _POSIX_C_SOURCE 200809L
/* A parent loads libkt.so (it is linked in), calls nothing of it, and forks two children:
** every kt_ call starts the runtime, which must not happen before a fork. Each child checks
** the ABI, initialises the engine and records spans. Both children's spans exist, with ids
** that differ between the children. */
#include "kt.h"
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define SPANS 1000

static int child(int out)
{
    kt_span span;
    kt_counters_t c;
    uint8_t ids[SPANS][8];
    if (kt_abi_version() != KT_ABI_VERSION || kt_init(NULL, 0) != KT_OK)
        return 2;
    for (int i = 0; i < SPANS; i++) {
        if (kt_start_span(0, 0, "child", 5, NULL, &span) != KT_OK || span == 0)
            return 3;
        kt_span_ids(span, NULL, ids[i], NULL);
        kt_span_finish(span, 0);
    }
    kt_flush(10000);
    kt_counters(&c);
    if (c.spans_exported != SPANS)
        return 4;
    if (write(out, ids, sizeof ids) != (ssize_t)sizeof ids)
        return 5;
    kt_shutdown(5000);
    return 0;
}

int main(void)
{
    static uint8_t ids[2][SPANS][8];
    int pipes[2][2];
    pid_t pids[2];
    int passed = 0, failed = 0, status, same = 0;

    for (int k = 0; k < 2; k++) {
        if (pipe(pipes[k]) != 0)
            return 1;
        pids[k] = fork();
        if (pids[k] == 0) {
            close(pipes[k][0]);
            _exit(child(pipes[k][1]));
        }
        close(pipes[k][1]);
    }
    for (int k = 0; k < 2; k++) {
        size_t got = 0;
        ssize_t n;
        while (got < sizeof ids[k] && (n = read(pipes[k][0], (uint8_t *)ids[k] + got, sizeof ids[k] - got)) > 0)
            got += (size_t)n;
        waitpid(pids[k], &status, 0);
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || got != sizeof ids[k]) {
            printf("FAIL test_fork: child %d exited with %d, sent %zu bytes\n", k, WIFEXITED(status) ? WEXITSTATUS(status) : -1, got);
            failed++;
        } else {
            passed++;
        }
    }
    for (int i = 0; i < SPANS; i++)
        for (int j = 0; j < SPANS; j++)
            if (memcmp(ids[0][i], ids[1][j], 8) == 0)
                same++;
    if (passed == 2 && same == 0)
        passed++;
    else if (passed == 2) {
        printf("FAIL test_fork: %d span ids appear in both children\n", same);
        failed++;
    }
    printf("%d passed, %d failed\n", passed, failed);
    return failed != 0;
}
