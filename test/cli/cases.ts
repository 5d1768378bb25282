/**
 * Declarative CLI cases: setup commands, the command under test, its expected
 * exit code and output, cleanup. `{cli}` stands for the program name ("wharf"
 * or "docker") and `{n}` for a name unique to this run. Expected output is an
 * exact string or a RegExp. All cases need busybox:latest on the daemon.
 */

/** One case. */
export type CliCase = {
  name: string;
  setup?: string[][];
  command: string[];
  stdin?: string;
  exit: number;
  stdout?: string | RegExp;
  stderr?: string | RegExp;
  cleanup?: string[][];
};

/** The cases, run in order. */
export const CASES: CliCase[] = [
  {
    name: "run prints the container's output and exits 0",
    command: ["run", "--rm", "busybox", "echo", "hello"],
    exit: 0,
    stdout: "hello\n",
  },
  {
    name: "run exits with the container's own code and keeps stderr apart",
    command: [
      "run",
      "--rm",
      "busybox",
      "sh",
      "-c",
      "echo out; echo err >&2; exit 3",
    ],
    exit: 3,
    stdout: "out\n",
    // Daemon warnings (e.g. about networking) may come first.
    stderr: /(^|\n)err\n$/,
  },
  {
    name: "run -i pipes stdin and half-closes it at EOF",
    command: ["run", "-i", "--rm", "busybox", "cat"],
    stdin: "a\nb\n",
    exit: 0,
    stdout: "a\nb\n",
  },
  {
    name: "run passes -e, -w, -u and -h into the container",
    command: [
      "run",
      "--rm",
      "-e",
      "A=1",
      "-w",
      "/tmp",
      "-u",
      "1:1",
      "-h",
      "box",
      "busybox",
      "sh",
      "-c",
      "echo $A $(pwd) $(id -u) $(hostname)",
    ],
    exit: 0,
    stdout: "1 /tmp 1 box\n",
  },
  {
    name: "run with a missing command exits 127",
    command: ["run", "--rm", "busybox", "nosuchcmd"],
    exit: 127,
    stderr: /executable file not found/,
  },
  {
    name: "an unknown flag exits 125 with the usage line",
    command: ["run", "--nosuch", "busybox"],
    exit: 125,
    stderr: /^unknown flag: --nosuch\n\nUsage: {2}{cli} run \[OPTIONS\] IMAGE/,
  },
  {
    name: "stop without arguments exits 1",
    command: ["stop"],
    exit: 1,
    stderr: /'{cli} stop' requires at least 1 argument/,
  },
  {
    name: "stop of a missing container reports the daemon's error",
    command: ["stop", "nosuch-{n}"],
    exit: 1,
    stderr: "Error response from daemon: No such container: nosuch-{n}\n",
  },
  {
    name: "rm -f of a missing container exits 0",
    command: ["rm", "-f", "nosuch-{n}"],
    exit: 0,
    stdout: "",
  },
  {
    name: "inspect of a missing object prints [] and exits 1",
    command: ["inspect", "nosuch-{n}"],
    exit: 1,
    stdout: "[]\n",
    stderr: "Error: No such object: nosuch-{n}\n",
  },
  {
    name: "ps lists a running container with Docker's columns",
    setup: [
      ["run", "-d", "--name", "{n}-ps", "-l", "k=v", "busybox", "sleep", "300"],
    ],
    command: [
      "ps",
      "--filter",
      "name={n}-ps",
      "--format",
      'table {{.Image}}\t{{.Command}}\t{{.Names}}\t{{.Label "k"}}',
    ],
    exit: 0,
    stdout:
      /^IMAGE {5}COMMAND {7}NAMES +k\nbusybox {3}"sleep 300" {3}{n}-ps {3}v\n$/,
    cleanup: [["rm", "-f", "{n}-ps"]],
  },
  {
    name: "ps has Docker's header row",
    command: ["ps", "--filter", "name=nosuch-{n}"],
    exit: 0,
    stdout:
      "CONTAINER ID   IMAGE     COMMAND   CREATED   STATUS    PORTS     NAMES\n",
  },
  {
    name: "inspect --format reads nested fields",
    setup: [["create", "--name", "{n}-in", "busybox", "true"]],
    command: [
      "inspect",
      "--format",
      "{{.State.Status}} {{.Config.Cmd}} {{json .Config.Entrypoint}}",
      "{n}-in",
    ],
    exit: 0,
    stdout: "created [true] null\n",
    cleanup: [["rm", "-f", "{n}-in"]],
  },
  {
    name: "start -a streams output and exits with the container's code",
    setup: [
      [
        "create",
        "--name",
        "{n}-sa",
        "busybox",
        "sh",
        "-c",
        "echo started; exit 2",
      ],
    ],
    command: ["start", "-a", "{n}-sa"],
    exit: 2,
    stdout: "started\n",
    cleanup: [["rm", "-f", "{n}-sa"]],
  },
  {
    name: "exec runs in a running container and returns its code",
    setup: [["run", "-d", "--name", "{n}-ex", "busybox", "sleep", "300"]],
    command: ["exec", "-e", "X=9", "{n}-ex", "sh", "-c", "echo $X; exit 4"],
    exit: 4,
    stdout: "9\n",
    cleanup: [["rm", "-f", "{n}-ex"]],
  },
  {
    name: "exec -i pipes stdin, keeps stderr apart and returns the code",
    setup: [["run", "-d", "--name", "{n}-ei", "busybox", "sleep", "300"]],
    command: ["exec", "-i", "{n}-ei", "sh", "-c", "cat; echo err >&2; exit 5"],
    stdin: "a\nb\n",
    exit: 5,
    stdout: "a\nb\n",
    stderr: "err\n",
    cleanup: [["rm", "-f", "{n}-ei"]],
  },
  {
    name: "exec of a missing command exits 126 with the runtime's error alone",
    setup: [["run", "-d", "--name", "{n}-em", "busybox", "sleep", "300"]],
    command: ["exec", "{n}-em", "nosuchcmd"],
    exit: 126,
    // compat: the daemon writes it into the hijacked stream, so stdout.
    stdout:
      /^OCI runtime exec failed: .*executable file .*not found.*: unknown\r\n$/,
    stderr: "",
    cleanup: [["rm", "-f", "{n}-em"]],
  },
  {
    name: "exec as an unknown user exits 126",
    setup: [["run", "-d", "--name", "{n}-eu", "busybox", "sleep", "300"]],
    command: ["exec", "-u", "nosuchuser", "{n}-eu", "id"],
    exit: 126,
    stdout:
      "unable to find user nosuchuser: no matching entries in passwd file\r\n",
    stderr: "",
    cleanup: [["rm", "-f", "{n}-eu"]],
  },
  {
    name: "wait prints the exit code",
    setup: [["run", "-d", "--name", "{n}-wt", "busybox", "sh", "-c", "exit 6"]],
    command: ["wait", "{n}-wt"],
    exit: 0,
    stdout: "6\n",
    cleanup: [["rm", "-f", "{n}-wt"]],
  },
  {
    name: "logs returns what the container wrote",
    setup: [
      ["run", "--name", "{n}-lg", "busybox", "sh", "-c", "echo one; echo two"],
    ],
    command: ["logs", "--tail", "1", "{n}-lg"],
    exit: 0,
    stdout: "two\n",
    cleanup: [["rm", "-f", "{n}-lg"]],
  },
  {
    name: "rename then inspect by the new name",
    setup: [
      ["create", "--name", "{n}-a", "busybox", "true"],
      ["rename", "{n}-a", "{n}-b"],
    ],
    command: ["inspect", "-f", "{{.Name}}", "{n}-b"],
    exit: 0,
    stdout: "/{n}-b\n",
    cleanup: [["rm", "-f", "{n}-b"]],
  },
  {
    name: "tag, images and rmi round trip",
    setup: [["tag", "busybox", "{n}:t1"]],
    command: ["images", "--format", "{{.Repository}}:{{.Tag}}", "{n}"],
    exit: 0,
    stdout: "{n}:t1\n",
    cleanup: [["rmi", "{n}:t1"]],
  },
  {
    name: "rmi untags",
    setup: [["tag", "busybox", "{n}:t2"]],
    command: ["rmi", "{n}:t2"],
    exit: 0,
    stdout: "Untagged: {n}:t2\n",
  },
  {
    name: "images has Docker's header row",
    command: ["images", "nosuch-{n}"],
    exit: 0,
    stdout: "REPOSITORY   TAG       IMAGE ID   CREATED   SIZE\n",
  },
  {
    name: "history has Docker's header row",
    command: ["history", "--format", "table {{.Size}}", "busybox"],
    exit: 0,
    stdout: /^SIZE\n/,
  },
  {
    name: "network create, ls with a filter and --format, inspect, rm",
    setup: [["network", "create", "--label", "t={n}", "{n}-net"]],
    command: [
      "network",
      "ls",
      "--filter",
      "label=t={n}",
      "--format",
      "{{.Name}} {{.Driver}} {{.Scope}}",
    ],
    exit: 0,
    stdout: "{n}-net bridge local\n",
    cleanup: [["network", "rm", "{n}-net"]],
  },
  {
    name: "network inspect of an unknown network fails as Docker's",
    command: ["network", "inspect", "nosuch-{n}"],
    exit: 1,
    stderr: /network nosuch-.* not found/,
  },
  {
    name: "containers on a user-defined network find each other by name",
    setup: [
      ["network", "create", "{n}-dns"],
      [
        "run",
        "-d",
        "--name",
        "{n}-srv",
        "--network",
        "{n}-dns",
        "busybox",
        "sleep",
        "60",
      ],
    ],
    command: [
      "run",
      "--rm",
      "--network",
      "{n}-dns",
      "busybox",
      "ping",
      "-c1",
      "-W2",
      "{n}-srv",
    ],
    exit: 0,
    stdout: /1 packets received/,
    cleanup: [
      ["rm", "-f", "{n}-srv"],
      ["network", "rm", "{n}-dns"],
    ],
  },
  {
    name: "volume create, ls -q with a filter, rm",
    setup: [["volume", "create", "{n}-vol"]],
    command: ["volume", "ls", "-q", "--filter", "name={n}-vol"],
    exit: 0,
    stdout: "{n}-vol\n",
    cleanup: [["volume", "rm", "{n}-vol"]],
  },
  {
    name: "ps filters by network and by volume",
    setup: [
      ["network", "create", "{n}-pf"],
      [
        "run",
        "-d",
        "--name",
        "{n}-pf1",
        "--network",
        "{n}-pf",
        "-v",
        "{n}-pfv:/data",
        "busybox",
        "sleep",
        "60",
      ],
      ["run", "-d", "--name", "{n}-pf2", "busybox", "sleep", "60"],
    ],
    command: [
      "ps",
      "--filter",
      "network={n}-pf",
      "--filter",
      "volume={n}-pfv",
      "--format",
      "{{.Names}}",
    ],
    exit: 0,
    stdout: "{n}-pf1\n",
    cleanup: [
      ["rm", "-f", "{n}-pf1", "{n}-pf2"],
      ["network", "rm", "{n}-pf"],
      ["volume", "rm", "{n}-pfv"],
    ],
  },
];
