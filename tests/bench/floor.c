/* floor.c - the least work any libauparse consumer does: feed stdin to auparse in chunks
 * (AUSOURCE_FEED) and, for every event, visit every field of every record as a string.
 * audisp-eql's benchmark compares itself against this.
 *
 *   cc -O2 -o floor floor.c -lauparse
 *   ./floor < stream          prints "events=N records=N fields=N bytes=N exec_events=N"
 */
#include <auparse.h>
#include <linux/audit.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct tally {
    unsigned long events, records, fields, bytes, execs;
};

static void on_event(auparse_state_t* au, auparse_cb_event_t type, void* data) {
    struct tally* t = data;
    if (type != AUPARSE_CB_EVENT_READY) return;
    t->events++;
    if (auparse_first_record(au) <= 0) return;
    int has_execve = 0;
    do {
        t->records++;
        if (auparse_get_type(au) == AUDIT_EXECVE) has_execve = 1;
        if (auparse_first_field(au) <= 0) continue;
        do {
            const char* v = auparse_get_field_str(au);
            t->fields++;
            if (v) t->bytes += strlen(v);
        } while (auparse_next_field(au) > 0);
    } while (auparse_next_record(au) > 0);
    t->execs += has_execve;
}

int main(void) {
    struct tally t = {0};
    auparse_state_t* au = auparse_init(AUSOURCE_FEED, NULL);
    if (!au) {
        perror("auparse_init");
        return 1;
    }
    auparse_add_callback(au, on_event, &t, NULL);
    static char buf[1 << 16];
    ssize_t n;
    while ((n = read(STDIN_FILENO, buf, sizeof buf)) > 0) auparse_feed(au, buf, (size_t)n);
    auparse_flush_feed(au);
    auparse_destroy(au);
    printf("events=%lu records=%lu fields=%lu bytes=%lu exec_events=%lu\n", t.events, t.records,
           t.fields, t.bytes, t.execs);
    return n < 0;
}
