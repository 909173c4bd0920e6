// nngperf: nng (libnng, tested with 1.5.2) peer for the wasmq benchmark's SP cells (bench/run.mjs).
//
//   cc -O2 bench/nng/nngperf.c -lnng -o bench/nng/build/nngperf        (run.mjs builds it on demand)
//
//   nngperf pull <url> <size> <count> [opts]   PULL0, listens; receives warmup + count, times first->last
//                                               timed message, prints {"type":"result",...}
//   nngperf push <url> <size> <count> [opts]   PUSH0, dials; sends warmup + count, prints {"type":"sent",...}
//   nngperf rep  <url> <size> <count> [opts]   REP0, listens; echoes, prints {"type":"served"} after
//                                               warmup + count and keeps serving (until EOF with --ctl)
//   nngperf req  <url> <size> <count> [opts]   REQ0, dials; warmup + count round trips, prints
//                                               {"type":"result","p50":..,"p99":..} (microseconds)
//   nngperf version                             prints {"type":"hello","version":"<nng_version()>"}
//
//   opts: -w N   warm-up messages / round trips, not timed (default 0)
//         -b N   NNG_OPT_SENDBUF / NNG_OPT_RECVBUF in messages where the protocol has it (0 = nng default;
//                nng caps it at 8192). What was set, or why not, is reported in "sock".
//         -m N   NNG_OPT_RECVMAXSZ in bytes (default 0 = no limit)
//         --ctl  harness mode: stay alive after finishing until stdin says "exit" or reaches EOF, then
//                exit at once (the harness owns the lifetime; EOF also covers a dying harness)
//
// Every line on stdout is one JSON object, flushed at once. Timing: CLOCK_MONOTONIC; CPU: getrusage
// (all threads of the process, including nng's I/O and task threads). url is e.g. tcp://127.0.0.1:5555.

#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <nng/nng.h>
#include <nng/protocol/pipeline0/pull.h>
#include <nng/protocol/pipeline0/push.h>
#include <nng/protocol/reqrep0/rep.h>
#include <nng/protocol/reqrep0/req.h>
#include <nng/supplemental/util/platform.h>

static bool ctl = false;
static int buf_opt = 0; // -b

static void die(const char *what, int rv) {
	printf("{\"type\":\"error\",\"message\":\"%s: %s\"}\n", what, rv ? nng_strerror(rv) : strerror(errno));
	fflush(stdout);
	fprintf(stderr, "nngperf: %s: %s\n", what, rv ? nng_strerror(rv) : strerror(errno));
	_exit(1);
}

static double now_sec(void) {
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

static double cpu_sec(void) {
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return (double) ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + (double) ru.ru_stime.tv_sec +
	    ru.ru_stime.tv_usec / 1e6;
}

static long rss_bytes(void) {
	long pages = 0, resident = 0;
	FILE *f = fopen("/proc/self/statm", "r");
	if (f) {
		if (fscanf(f, "%ld %ld", &pages, &resident) != 2) resident = 0;
		fclose(f);
	}
	return resident * sysconf(_SC_PAGESIZE);
}

static void emit(const char *fmt, ...) {
	va_list ap;
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

// --- harness mode: lifetime is owned by the parent -------------------------------------------------------
static void *ctl_thread(void *arg) {
	(void) arg;
	char line[256];
	while (fgets(line, sizeof line, stdin)) {
		if (strncmp(line, "exit", 4) == 0) break;
	}
	fflush(stdout);
	_exit(0);
	return NULL;
}

static void hold(void) {
	if (!ctl) return;
	for (;;) pause(); // ctl_thread ends the process
}

// --- socket settings ------------------------------------------------------------------------------------
// sock info JSON, built while configuring: what was asked for and what the socket reports back
static char info[512];

static void info_add(const char *fmt, ...) {
	size_t n = strlen(info);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(info + n, sizeof info - n, fmt, ap);
	va_end(ap);
}

static void set_buf(nng_socket s, const char *opt, const char *key, int want) {
	if (want <= 0) {
		int v;
		if (nng_socket_get_int(s, opt, &v) == 0) info_add("\"%s\":%d,", key, v);
		else info_add("\"%s\":\"n/a\",", key);
		return;
	}
	int rv = nng_socket_set_int(s, opt, want > 8192 ? 8192 : want);
	int v = -1;
	if (rv == 0 && nng_socket_get_int(s, opt, &v) == 0) info_add("\"%s\":%d,", key, v);
	else info_add("\"%s\":\"n/a (%s)\",", key, nng_strerror(rv ? rv : NNG_ENOTSUP));
}

static void configure(nng_socket s, bool sendbuf, bool recvbuf, size_t maxsz) {
	if (sendbuf) set_buf(s, NNG_OPT_SENDBUF, "sendBuf", buf_opt);
	if (recvbuf) set_buf(s, NNG_OPT_RECVBUF, "recvBuf", buf_opt);
	int rv = nng_socket_set_size(s, NNG_OPT_RECVMAXSZ, maxsz);
	if (rv != 0) die("set NNG_OPT_RECVMAXSZ", rv);
	size_t v;
	if (nng_socket_get_size(s, NNG_OPT_RECVMAXSZ, &v) == 0) info_add("\"recvMaxSize\":%zu,", v);
}

static void endpoint_info_dialer(nng_dialer d) {
	bool nd = false;
	if (nng_dialer_get_bool(d, NNG_OPT_TCP_NODELAY, &nd) == 0) info_add("\"tcpNodelay\":%s,", nd ? "true" : "false");
}
static void endpoint_info_listener(nng_listener l) {
	bool nd = false;
	if (nng_listener_get_bool(l, NNG_OPT_TCP_NODELAY, &nd) == 0) info_add("\"tcpNodelay\":%s,", nd ? "true" : "false");
}

static const char *info_json(void) {
	size_t n = strlen(info);
	if (n && info[n - 1] == ',') info[n - 1] = 0;
	static char out[560];
	snprintf(out, sizeof out, "{%s}", info);
	return out;
}

static void do_listen(nng_socket s, const char *url) {
	nng_listener l;
	int rv;
	if ((rv = nng_listener_create(&l, s, url)) != 0) die("nng_listener_create", rv);
	nng_listener_set_bool(l, NNG_OPT_TCP_NODELAY, true); // the default; explicit for the record
	if ((rv = nng_listener_start(l, 0)) != 0) die("nng_listener_start", rv);
	endpoint_info_listener(l);
}

static void do_dial(nng_socket s, const char *url) {
	nng_dialer d;
	int rv;
	if ((rv = nng_dialer_create(&d, s, url)) != 0) die("nng_dialer_create", rv);
	nng_dialer_set_bool(d, NNG_OPT_TCP_NODELAY, true);
	// non-blocking: keeps retrying in the background if the listener is not there yet
	if ((rv = nng_dialer_start(d, NNG_FLAG_NONBLOCK)) != 0) die("nng_dialer_start", rv);
	endpoint_info_dialer(d);
}

// --- roles ------------------------------------------------------------------------------------------------

static void role_pull(const char *url, size_t size, long count, long warmup, size_t maxsz) {
	nng_socket s;
	int rv;
	if ((rv = nng_pull0_open(&s)) != 0) die("nng_pull0_open", rv);
	configure(s, false, true, maxsz);
	do_listen(s, url);
	emit("{\"type\":\"ready\",\"sock\":%s}", info_json());
	long bad = 0;
	nng_msg *m;
	for (long i = 0; i < warmup; i++) {
		if ((rv = nng_recvmsg(s, &m, 0)) != 0) die("nng_recvmsg", rv);
		if (nng_msg_len(m) != size) bad++;
		nng_msg_free(m);
	}
	if ((rv = nng_recvmsg(s, &m, 0)) != 0) die("nng_recvmsg", rv);
	double t0 = now_sec(), c0 = cpu_sec();
	if (nng_msg_len(m) != size) bad++;
	nng_msg_free(m);
	for (long i = 1; i < count; i++) {
		if ((rv = nng_recvmsg(s, &m, 0)) != 0) die("nng_recvmsg", rv);
		if (nng_msg_len(m) != size) bad++;
		nng_msg_free(m);
	}
	double sec = now_sec() - t0, cpu = cpu_sec() - c0;
	emit("{\"type\":\"result\",\"sec\":%.9f,\"rate\":%.3f,\"bad\":%ld,\"cpuSec\":%.6f,\"gcMs\":null,\"rss\":%ld}",
	    sec, sec > 0 ? (double) (count - 1) / sec : 0.0, bad, cpu, rss_bytes());
	hold();
	nng_close(s);
}

static void role_push(const char *url, size_t size, long count, long warmup, size_t maxsz) {
	nng_socket s;
	int rv;
	if ((rv = nng_push0_open(&s)) != 0) die("nng_push0_open", rv);
	configure(s, true, false, maxsz);
	do_dial(s, url);
	char *payload = malloc(size ? size : 1);
	memset(payload, 0x61, size);
	long total = warmup + count;
	double t0 = now_sec(), c0 = cpu_sec();
	for (long i = 0; i < total; i++) {
		// nng_send copies the payload into a new message, like a send from one preallocated buffer
		if ((rv = nng_send(s, payload, size, 0)) != 0) die("nng_send", rv);
	}
	double sec = now_sec() - t0, cpu = cpu_sec() - c0;
	emit("{\"type\":\"sent\",\"sec\":%.9f,\"cpuSec\":%.6f,\"sock\":%s,\"rss\":%ld}", sec, cpu, info_json(), rss_bytes());
	hold();
	nng_msleep(1000); // standalone: nng 1.x has no linger, give queued messages time to leave
	nng_close(s);
	free(payload);
}

static void role_rep(const char *url, size_t size, long count, long warmup, size_t maxsz) {
	(void) size;
	nng_socket s;
	int rv;
	if ((rv = nng_rep0_open(&s)) != 0) die("nng_rep0_open", rv);
	configure(s, true, true, maxsz);
	do_listen(s, url);
	emit("{\"type\":\"ready\",\"sock\":%s}", info_json());
	long total = warmup + count, n = 0;
	double c0 = cpu_sec();
	for (;;) {
		nng_msg *m;
		if ((rv = nng_recvmsg(s, &m, 0)) != 0) die("nng_recvmsg", rv);
		if ((rv = nng_sendmsg(s, m, 0)) != 0) die("nng_sendmsg", rv); // echo, the message is handed back
		if (++n == total) {
			emit("{\"type\":\"served\",\"cpuSec\":%.6f}", cpu_sec() - c0);
			if (!ctl) break;
		}
	}
	nng_msleep(200);
	nng_close(s);
}

static int cmp_double(const void *a, const void *b) {
	double x = *(const double *) a, y = *(const double *) b;
	return x < y ? -1 : x > y;
}

static void role_req(const char *url, size_t size, long count, long warmup, size_t maxsz) {
	nng_socket s;
	int rv;
	if ((rv = nng_req0_open(&s)) != 0) die("nng_req0_open", rv);
	configure(s, true, true, maxsz);
	do_dial(s, url);
	char *payload = malloc(size ? size : 1);
	memset(payload, 0x62, size);
	long bad = 0;
	nng_msg *m;
	for (long i = 0; i < warmup; i++) {
		if ((rv = nng_send(s, payload, size, 0)) != 0) die("nng_send", rv);
		if ((rv = nng_recvmsg(s, &m, 0)) != 0) die("nng_recvmsg", rv);
		if (nng_msg_len(m) != size) bad++;
		nng_msg_free(m);
	}
	double *lat = malloc(sizeof(double) * (count ? count : 1));
	double c0 = cpu_sec(), tStart = now_sec();
	for (long i = 0; i < count; i++) {
		double a = now_sec();
		if ((rv = nng_send(s, payload, size, 0)) != 0) die("nng_send", rv);
		if ((rv = nng_recvmsg(s, &m, 0)) != 0) die("nng_recvmsg", rv);
		double b = now_sec();
		lat[i] = (b - a) * 1e6;
		if (nng_msg_len(m) != size) bad++;
		nng_msg_free(m);
	}
	double total = now_sec() - tStart, cpu = cpu_sec() - c0;
	double sum = 0;
	for (long i = 0; i < count; i++) sum += lat[i];
	qsort(lat, count, sizeof(double), cmp_double);
#define Q(p) lat[(long) ((p) * count) < count ? (long) ((p) * count) : count - 1]
	emit("{\"type\":\"result\",\"p50\":%.3f,\"p99\":%.3f,\"p999\":%.3f,\"mean\":%.3f,\"min\":%.3f,\"max\":%.3f,"
	     "\"sec\":%.6f,\"bad\":%ld,\"cpuSec\":%.6f,\"gcMs\":null,\"sock\":%s,\"rss\":%ld}",
	    Q(0.5), Q(0.99), Q(0.999), sum / count, lat[0], lat[count - 1], total, bad, cpu, info_json(), rss_bytes());
	hold();
	nng_close(s);
	free(lat);
	free(payload);
}

static void usage(void) {
	fprintf(stderr,
	    "usage: nngperf pull|push|rep|req <url> <size> <count> [-w warmup] [-b buf] [-m maxsz] [--ctl]\n"
	    "       nngperf version\n");
	exit(2);
}

int main(int argc, char **argv) {
	signal(SIGPIPE, SIG_IGN);
	if (argc >= 2 && strcmp(argv[1], "version") == 0) {
		emit("{\"type\":\"hello\",\"version\":\"%s\"}", nng_version());
		return 0;
	}
	if (argc < 5) usage();
	const char *role = argv[1], *url = argv[2];
	char *end;
	long sz = strtol(argv[3], &end, 10);
	if (*end || sz < 0) usage();
	long count = strtol(argv[4], &end, 10);
	if (*end || count < 1) usage();
	long warmup = 0;
	size_t maxsz = 0;
	for (int i = 5; i < argc; i++) {
		if (strcmp(argv[i], "--ctl") == 0) ctl = true;
		else if (i + 1 < argc && strcmp(argv[i], "-w") == 0) warmup = atol(argv[++i]);
		else if (i + 1 < argc && strcmp(argv[i], "-b") == 0) buf_opt = atoi(argv[++i]);
		else if (i + 1 < argc && strcmp(argv[i], "-m") == 0) maxsz = (size_t) atoll(argv[++i]);
		else usage();
	}
	if (ctl) {
		pthread_t t;
		if (pthread_create(&t, NULL, ctl_thread, NULL) != 0) die("pthread_create", 0);
		pthread_detach(t);
	}
	emit("{\"type\":\"hello\",\"version\":\"%s\",\"pid\":%ld}", nng_version(), (long) getpid());
	size_t size = (size_t) sz;
	if (strcmp(role, "pull") == 0) role_pull(url, size, count, warmup, maxsz);
	else if (strcmp(role, "push") == 0) role_push(url, size, count, warmup, maxsz);
	else if (strcmp(role, "rep") == 0) role_rep(url, size, count, warmup, maxsz);
	else if (strcmp(role, "req") == 0) role_req(url, size, count, warmup, maxsz);
	else usage();
	return 0;
}
