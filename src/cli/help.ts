// The text of `wasmq --help`, `wasmq <family> --help` and
// `wasmq <family> <type> --help`: usage, every option, the output formats,
// the exit statuses and examples. Kept next to the parser so they change
// together.
import { KINDS, type Family, type SocketKind } from "./sockets.js";

const TYPES = (f: Family) => KINDS.filter((k) => k.family === f).map((k) => k.name).join(" ");

const USAGE = `Usage:
  wasmq zmq <type> (--bind URL | --connect URL)... [options]
  wasmq sp <type> (--bind URL | --connect URL)... [options]
  wasmq --<protocol> (--listen URL | --dial URL)... [options]    nngcat style, SP
  wasmq [<family> [<type>]] --help
  wasmq --version`;

const TYPES_SECTION = `Socket types:
  zmq (ZeroMQ, ZMTP 3.x):   ${TYPES("zmq")}
  sp (nanomsg/nng):         ${TYPES("sp")}
  nngcat/nanocat protocol flags select an sp type: --pair0 --pair1 --bus0
  --req0 --rep0 --pub0 --sub0 --push0 --pull0 --surveyor0 --respondent0, also
  without the 0 (--bus, --req, ...). --pair is ambiguous (nngcat: pair1,
  nanocat: pair0): use --pair0 or --pair1, or --compat --pair for pair0.`;

const BEHAVIOUR = `What each type does:
  pub, push          send the message once, --count times, or every --interval;
                     print nothing
  sub, pull          print every message received
  req                send the message, print the reply; again per --count and
                     --interval (each request waits for its reply)
  rep, respondent    print each request and answer it with the message, or
                     echo the request back when no --data/--file is given
  surveyor (sp)      send a survey, print the answers until the survey
                     deadline (--survey-time); again per --count/--interval
  router (zmq)       print each message, its first frame the sender's routing
                     id; with --data/--file answer each one to its sender (the
                     envelope up to the empty delimiter frame is kept, so REQ
                     peers get the answer)
  pair, dealer, xpub, xsub (zmq), pair0, pair1, bus (sp)
                     print what arrives; with --data/--file also send the
                     message as pub does. Once the sending is over they stop
                     one --interval after the last send, or when nothing
                     arrives for --recv-timeout (else they run until stopped).
  Before its first send a socket waits until every --connect endpoint has
  completed its handshake (bounded by --connect-timeout).`;

const OPTIONS = `Endpoints (at least one; repeatable, set up in the order given):
  --bind URL, --listen URL      listen on URL
  --connect URL, --dial URL     connect to URL; retried until the peer is up
  -L, --bind-local PORT         --bind tcp://127.0.0.1:PORT
  -l, --connect-local PORT      --connect tcp://127.0.0.1:PORT
  -X, --bind-ipc PATH           --bind ipc://PATH
  -x, --connect-ipc PATH        --connect ipc://PATH
  URLs: tcp://HOST:PORT (to bind: also tcp://*:PORT; port 0 or * picks a
  free port, printed by -v) and ipc://PATH.

The message to send:
  -D, --data TEXT               a frame: the bytes of TEXT (UTF-8)
  -F, --file PATH               a frame: the bytes of the file; - reads
                                standard input to its end
  Repeat --data/--file for more frames, in the order given: zmq sends them as
  one multipart message; sp sends their concatenation as one message (with
  --raw-socket the first is the SP header).

Sending:
  -C, --count N                 stop after N messages: sent (pub, push; pair,
                                dealer, xpub, xsub, pair0, pair1, bus with a
                                message), requests or surveys made (req,
                                surveyor), requests answered (rep, respondent,
                                router with a message), else received
  -i, --interval SEC            send again every SEC seconds (fractions
                                allowed: 0.25); forever unless --count
  -d, --delay SEC               wait SEC seconds before the first send (once
                                the --connect endpoints are up)
  --send-timeout SEC            give up (exit 3) when a send cannot complete
                                within SEC seconds (no peer ready); this also
                                bounds the wait for --connect endpoints
  --connect-timeout SEC         give up (exit 2) when a --connect endpoint has
                                not completed its handshake within SEC seconds
  --linger SEC                  at the end, wait up to SEC seconds (default 5)
                                for queued messages to be written (exit 4 if
                                they were not)

Receiving:
  --recv-timeout SEC            stop when nothing arrives for SEC seconds:
                                exit 0, or 3 while a reply (req: counted from
                                the send) or --count messages were awaited
  --subscribe TOPIC             sub, xsub: subscribe to messages starting
                                with TOPIC (repeatable); default: everything
  -Z, --recv-maxsz BYTES        largest message accepted (sp default 1048576;
                                0: no limit)

Socket options:
  --identity ID                 zmq: this socket's routing id, as a ROUTER
                                peer sees it
  --survey-time SEC             surveyor: how long each survey collects
                                answers (default 1)
  --raw-socket                  sp: raw mode (for devices): received messages
                                show the SP header as their first frame; rep
                                and respondent keep it in their answers
  --socket-name NAME            sp: a name for the socket (nanocat option)

Output of received messages (one of; default --quoted):
  -Q, --quoted                  "..." per message, C escapes: \\n \\r \\t \\" \\\\
                                and \\xHH for the other bytes outside 0x20..0x7e
  -H, --hex                     "..." per message, every byte as \\xHH
  -A, --ascii                   the bytes per line, those outside 0x20..0x7e
                                as '.'
  --raw                         the bytes as they are, no separator (nngcat
                                --raw; not to be confused with --raw-socket)
  --json                        one JSON object per line: {"frames":[F,...]},
                                F a string when the frame is UTF-8 text with
                                no control characters but \\t \\n \\r, else
                                {"base64":"..."}
  --format FMT                  quoted, hex, ascii, raw, json, or no (print
                                nothing)
  A multipart message (zmq, or an sp message with --raw-socket) is still one
  line: frames separated by a space (--quoted, --hex), a TAB (--ascii), or as
  array elements (--json); --raw writes them one after the other.

Other:
  -v, --verbose                 on stderr: "Listening at: URL" per bind (the
                                real port for port 0) and "Connected to: URL"
                                per handshake on a --connect endpoint; -vv
                                also accepts, disconnects, retries and
                                handshake failures
  -q, --silent                  no diagnostics (the default)
  --async, --compat             accepted for nngcat compatibility (connects
                                are always asynchronous and retried)
  -h, --help                    this text (wasmq zmq req --help: for one type)
  --version                     the wasmq version
  An option's value may start with '-' (--data -x), as with nngcat; the
  --name=value form works too. WASMQ_DEBUG=1 in the environment adds a stack
  trace to an unexpected error.

Differences from nngcat: -v writes to stderr (nngcat: stdout); --ascii ends
each message with a newline (as nanocat; nngcat 1.5 does not); connects are
asynchronous and retried (a sender waits for them instead of failing);
--interval, --delay and the timeouts take fractions of seconds; --msgpack is
not supported (--json is); rep and respondent without --data echo.`;

const EXIT = `Exit status:
  0         done: the messages were sent, --count reached, or the run ended
            normally (e.g. nothing arrived for --recv-timeout)
  1         usage error: unknown option or type, an option that does not
            apply to the type, no endpoint, no message, a bad URL or number,
            an unreadable --file; one line on stderr
  2         bind or connect failure: address in use, unsupported scheme, host
            not found, handshake refused (the peer is another socket type or
            protocol), --connect-timeout expired; the message names the
            endpoint and the error code (EADDRINUSE, EPROTONOSUPPORT, ...)
  3         timeout: --recv-timeout expired while a reply or --count messages
            were awaited, or --send-timeout expired
  4         any other runtime error (a send or receive failed, queued
            messages not written within --linger, ...)
  130, 143  interrupted by SIGINT, SIGTERM`;

const EXAMPLES = `Examples:
  wasmq sp rep --listen tcp://127.0.0.1:5555 --data pong
  wasmq --req0 --dial tcp://127.0.0.1:5555 --data ping          (nngcat syntax)
  wasmq zmq pull --bind 'tcp://*:5557' --json
  wasmq zmq push --connect tcp://127.0.0.1:5557 --file - < job.bin
  wasmq zmq pub --bind tcp://127.0.0.1:5556 --data 'weather sunny' --interval 0.5
  wasmq zmq sub --connect tcp://127.0.0.1:5556 --subscribe weather --count 3
  wasmq zmq req --connect tcp://127.0.0.1:5555 --data part1 --data part2 --recv-timeout 2
  wasmq sp surveyor --bind ipc:///tmp/census.ipc --data 'who?' --survey-time 0.5`;

const TYPE_EXAMPLES: Record<string, string[]> = {
  "zmq pair": ["wasmq zmq pair --bind tcp://127.0.0.1:5555", "wasmq zmq pair --connect tcp://127.0.0.1:5555 --data hello --count 1 --recv-timeout 1"],
  "zmq pub": ["wasmq zmq pub --bind 'tcp://*:5556' --data 'weather sunny' --interval 1", "wasmq zmq pub --connect tcp://127.0.0.1:5556 --delay 0.2 --data once"],
  "zmq sub": ["wasmq zmq sub --connect tcp://127.0.0.1:5556 --subscribe weather --count 3 --json"],
  "zmq xpub": ["wasmq zmq xpub --bind tcp://127.0.0.1:5556 --hex     (prints \"\\x01topic\" per subscription)"],
  "zmq xsub": ["wasmq zmq xsub --connect tcp://127.0.0.1:5556 --subscribe weather"],
  "zmq req": ["wasmq zmq req --connect tcp://127.0.0.1:5555 --data ping --recv-timeout 2", "wasmq zmq req --connect tcp://127.0.0.1:5555 --data ping --count 10 --interval 0.5"],
  "zmq rep": ["wasmq zmq rep --bind tcp://127.0.0.1:5555 --data pong", "wasmq zmq rep --bind tcp://127.0.0.1:5555          (echo server)"],
  "zmq dealer": ["wasmq zmq dealer --connect tcp://127.0.0.1:5555 --identity worker-1 --data '' --data ready --count 1 --recv-timeout 2"],
  "zmq router": ["wasmq zmq router --bind tcp://127.0.0.1:5555 --json", "wasmq zmq router --bind tcp://127.0.0.1:5555 --data ok    (answers every sender)"],
  "zmq push": ["wasmq zmq push --connect tcp://127.0.0.1:5557 --file - < job.bin", "wasmq zmq push --bind tcp://127.0.0.1:5557 --data task --count 100"],
  "zmq pull": ["wasmq zmq pull --bind tcp://127.0.0.1:5557 --raw > jobs.bin"],
  "sp pair0": ["wasmq sp pair0 --listen ipc:///tmp/pair.ipc", "wasmq --pair0 --dial ipc:///tmp/pair.ipc --data hi --interval 1"],
  "sp pair1": ["wasmq sp pair1 --listen tcp://127.0.0.1:5555 --hex"],
  "sp bus": ["wasmq sp bus --listen tcp://127.0.0.1:5555 --dial tcp://127.0.0.1:5556 --data node-a --interval 1"],
  "sp req": ["wasmq sp req --dial tcp://127.0.0.1:5555 --data ping --recv-timeout 2", "wasmq --req0 --dial tcp://127.0.0.1:5555 --data ping    (nngcat syntax)"],
  "sp rep": ["wasmq sp rep --listen tcp://127.0.0.1:5555 --data pong", "wasmq --rep0 --listen tcp://127.0.0.1:5555 --count 1     (echo one request)"],
  "sp pub": ["wasmq sp pub --listen tcp://127.0.0.1:5556 --data 'news.today' --interval 0.5"],
  "sp sub": ["wasmq sp sub --dial tcp://127.0.0.1:5556 --subscribe news. --count 1"],
  "sp push": ["wasmq sp push --dial tcp://127.0.0.1:5557 --file report.pdf"],
  "sp pull": ["wasmq sp pull --listen tcp://127.0.0.1:5557 --recv-timeout 5 --hex"],
  "sp surveyor": ["wasmq sp surveyor --listen tcp://127.0.0.1:5558 --data 'who?' --survey-time 0.5"],
  "sp respondent": ["wasmq sp respondent --dial tcp://127.0.0.1:5558 --data 'me'"],
};

const MODE_TEXT: Record<string, string> = {
  send: "Sends the message (--data/--file, required) once, --count times, or every\n--interval seconds; prints nothing.",
  recv: "Prints every message it receives (default format --quoted). --count N:\nexit after N messages; --recv-timeout: exit when nothing arrives for that\nlong (status 3 if --count was not reached).",
  duplex: "Prints every message it receives. With --data/--file it also sends the\nmessage once, --count times or every --interval seconds (--count then\ncounts sends) and, once the sending is over, stops one --interval after\nthe last send or when nothing arrives for --recv-timeout.",
  request: "Sends the message (--data/--file, required) and prints the reply; with\n--count/--interval repeats that. Exit 3 if no reply arrives within\n--recv-timeout.",
  survey: "Sends the message (--data/--file, required) as a survey and prints every\nanswer until the survey deadline (--survey-time, default 1 s); with\n--count/--interval runs more surveys.",
  reply: "Prints each request it receives and answers it with --data/--file, or\nechoes the request back if no message is given. --count N: exit after N\nanswers.",
  route: "Prints each message it receives; the first frame is the sender's routing\nid. With --data/--file it answers each message to its sender: the routing\nid and the envelope up to the empty delimiter frame, then the message.\n--count N: exit after N messages (answered, if it answers).",
};

const EXTRA: Record<string, string> = {
  "zmq sub": "Without --subscribe it subscribes to everything.",
  "zmq xsub": "Sends \\x01TOPIC for each --subscribe (default: everything) and keeps them\nfor publishers that connect later.",
  "zmq xpub": "What it receives are subscription messages: \\x01TOPIC, \\x00TOPIC.",
  "sp sub": "Without --subscribe it subscribes to everything (as nngcat).",
  "zmq pub": "A subscriber that connects after a send misses it: use --delay or\n--interval for a one-shot publish.",
  "sp pub": "A subscriber that connects after a send misses it: use --delay or\n--interval for a one-shot publish.",
};

export function generalHelp(): string {
  return [
    "wasmq: ZeroMQ and nanomsg/nng (Scalability Protocols) sockets on the command\nline, wire-compatible with libzmq, nng and nanomsg peers (nngcat, nanocat).",
    USAGE, TYPES_SECTION, BEHAVIOUR, OPTIONS, EXIT, EXAMPLES,
  ].join("\n\n") + "\n";
}

export function familyHelp(family: Family): string {
  const lines = KINDS.filter((k) => k.family === family).map((k) => `  ${k.name.padEnd(12)}${k.summary}`);
  const title = family === "zmq" ? "ZeroMQ (ZMTP 3.x) socket types" : "SP (nanomsg/nng) socket types";
  return [
    `Usage: wasmq ${family} <type> (--bind URL | --connect URL)... [options]`,
    `${title}:\n${lines.join("\n")}`,
    BEHAVIOUR, OPTIONS, EXIT, EXAMPLES,
  ].join("\n\n") + "\n";
}

export function typeHelp(kind: SocketKind): string {
  const id = `${kind.family} ${kind.name}`;
  const aliases = kind.aliases.length ? ` (also: ${kind.aliases.join(", ")})` : "";
  const examples = (TYPE_EXAMPLES[id] ?? []).map((e) => `  ${e}`).join("\n");
  return [
    `Usage: wasmq ${id} (--bind URL | --connect URL)... [options]${aliases}`,
    `${kind.name}: ${kind.summary}.\n\n${MODE_TEXT[kind.mode]}${EXTRA[id] ? `\n${EXTRA[id]}` : ""}`,
    `Examples:\n${examples}`,
    OPTIONS, EXIT,
  ].join("\n\n") + "\n";
}
