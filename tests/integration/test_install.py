"""Installation (cmake/install.cmake, matcher/daemon/paths.c): the manual
pages, the layout of `cmake --install`, an installed matcherd that finds
its installed files rather than the source tree's, and the Debian package.

Nothing here needs root: the build is installed with DESTDIR into a
temporary directory and the package is unpacked with `dpkg-deb -x`, and
the installed binary must find the files of that temporary tree (its
paths are relative to its own directory).  The source tree is left as it
is: the checks break the installed copies and look for their paths in the
error messages.

The package test configures and builds a Release tree of its own with the
prefix /usr (about a minute on two cores); MATCHERD_TEST_DEB=0 leaves it
out.
"""

import contextlib
import glob
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import BUILD_DIR, SOURCE_DIR  # noqa: E402

MAN_DIR = os.path.join(SOURCE_DIR, "docs", "man")
PAGES = {
    "matcherd.8": os.path.join(MAN_DIR, "matcherd.8"),
    "matcherd.conf.5": os.path.join(MAN_DIR, "matcherd.conf.5"),
    "matchctl.1": os.path.join(MAN_DIR, "matchctl.1"),
}
LIBS = ("libevent", "libhiredis0.14", "libmsgpackc2", "libpcre2-8-0",
        "libjansson4", "libinih1", "libcsv3", "libssl3", "libsystemd0")


def run(args, **kw):
    kw.setdefault("stdout", subprocess.PIPE)
    kw.setdefault("stderr", subprocess.PIPE)
    kw.setdefault("timeout", 120)
    return subprocess.run(args, text=True, **kw)


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def mdoc_text(src):
    """The words of mdoc source, its macros dropped but for Fl, whose dash
    goes to the next word as when rendered: ".Fl \\-all" is "--all"."""
    words, flag = [], ""
    for line in src.splitlines():
        if line.startswith(".\\\""):
            continue
        for w in line.split():
            if w in ("Fl", ".Fl"):
                flag = "-"
            elif not re.fullmatch(r"\.?[A-Z][a-z]", w):
                words.append(flag + w.replace("\\-", "-"))
                flag = ""
    return " ".join(words)


def man_items(src):
    """{section heading: [(head of .It, its text)]} of an mdoc page."""
    out, section, item = {}, None, None
    for line in src.splitlines():
        if line.startswith(".Sh "):
            section = line[4:].strip()
            out.setdefault(section, [])
            item = None
        elif line.startswith(".It ") and section is not None:
            item = [line[4:], []]
            out[section].append(item)
        elif line.startswith(".El"):
            item = None
        elif item is not None:
            item[1].append(line)
    return {s: [(h, "\n".join(t)) for h, t in items]
            for s, items in out.items()}


def conf_keys():
    """(section, name, type, min, max, default) of each key of the table
    of config/conf.c, macros WEIGHT and CONTACT expanded."""
    src = read(os.path.join(SOURCE_DIR, "config", "conf.c"))
    table = src[src.index("static const struct key keys[]"):]
    table = table[:table.index("\n};")]
    consts = dict(re.findall(r"#define (\w+) (\d+)",
                             read(os.path.join(SOURCE_DIR, "proto",
                                               "proto.h"))))
    keys = []
    plain = re.compile(r'\{\s*"(\w+)",\s*"(\w+)",\s*(KT_\w+),\s*F\([^)]*\),'
                       r'\s*(\w+),\s*(\w+),\s*"([^"]*)"')
    for m in plain.finditer(table):
        lo, hi = (int(consts.get(v, v)) for v in (m.group(4), m.group(5)))
        keys.append((m.group(1), m.group(2), m.group(3), lo, hi, m.group(6)))
    for m in re.finditer(r'^\s*CONTACT\("(\w+)"', table, re.M):
        keys.append(("contacts", m.group(1), "KT_STRING", 0, 0, ""))
    for m in re.finditer(r'^\s*WEIGHT\((\w+),\s*"(\d+)"\)', table, re.M):
        keys.append(("weights", m.group(1), "KT_INT", 0, 1000, m.group(2)))
    return keys


def shipped_conf_keys():
    """(section, key) of config/matcherd.conf, which test_conf.c holds to
    the table: a check of conf_keys()'s parsing."""
    keys, section = set(), None
    for line in read(os.path.join(SOURCE_DIR, "config",
                                  "matcherd.conf")).splitlines():
        m = re.match(r"\[(\w+)\]", line)
        if m:
            section = m.group(1)
        m = re.match(r"(\w+) =", line)
        if m:
            keys.add((section, m.group(1)))
    return keys


def fd_limit_of_defaults():
    """What main.c's raise_fd_limit() asks for with the defaults of
    config/conf.c: max_clients + [http] max_connections + FD_MARGIN."""
    defaults = {(s, k): d for s, k, _, _, _, d in conf_keys()}
    margin = re.search(r"#define FD_MARGIN\s+(\d+)",
                       read(os.path.join(SOURCE_DIR, "matcher", "daemon",
                                         "main.c")))
    return (int(defaults[("server", "max_clients")]) +
            int(defaults[("http", "max_connections")]) +
            int(margin.group(1)))


class ManPages(unittest.TestCase):
    """The pages render, lint clean, and name every key, command and
    option of the code."""

    def test_pages_render_with_man(self):
        for name, path in PAGES.items():
            r = run(["man", "-l", path], env=dict(os.environ, MANWIDTH="80"))
            self.assertEqual(r.returncode, 0, "%s: %s" % (name, r.stderr))
            self.assertEqual(r.stderr.strip(), "", name)
            text = re.sub(".\b", "", r.stdout)  # overstrikes: bold
            self.assertIn("\nNAME\n", text, name)
            self.assertIn("\nSEE ALSO\n", text, name)

    @unittest.skipUnless(shutil.which("mandoc"), "mandoc is not installed")
    def test_pages_lint_clean_with_mandoc(self):
        # STYLE messages (pages not installed yet) are left out.
        r = run(["mandoc", "-Tlint", "-W", "warning"] + list(PAGES.values()))
        self.assertEqual((r.returncode, r.stdout + r.stderr), (0, ""))

    def test_every_conf_key_is_documented_with_default_and_range(self):
        keys = conf_keys()
        self.assertEqual({(s, k) for s, k, *_ in keys}, shipped_conf_keys(),
                         "the parse of config/conf.c's table is off")
        items = man_items(read(PAGES["matcherd.conf.5"]))
        for section, name, kind, lo, hi, default in keys:
            where = "[%s] %s" % (section, name)
            found = [text for head, text in items.get(section.upper(), [])
                     if head.split()[:2] == ["Ic", name]]
            self.assertEqual(len(found), 1, "%s: not documented once in "
                             "section %s of matcherd.conf.5" %
                             (where, section.upper()))
            text = mdoc_text(found[0])
            if section == "contacts":
                continue  # their default and bound are the section's
            want = "Default " + (default if default else "empty")
            # The whole value: "Default 50" is not "Default 500".
            self.assertRegex(text, re.escape(want) + r"[.,;:]?(\s|$)",
                             "%s: its default" % where)
            if kind in ("KT_INT", "KT_SIZE") and section != "weights":
                self.assertIn("%d to %d" % (lo, hi), text,
                              "%s: its range" % where)

    def test_every_matchctl_command_and_option_is_documented(self):
        matchctl = os.path.join(BUILD_DIR, "matchctl")
        r = run([matchctl])
        self.assertEqual(r.returncode, 64)
        src = read(PAGES["matchctl.1"])
        heads = [h for h, _ in sum(man_items(src).values(), [])]
        text = mdoc_text(src)
        commands = [line.strip() for line in
                    r.stderr.split("commands:\n", 1)[1].splitlines()]
        self.assertGreater(len(commands), 20)
        for usage in commands:
            for alt in usage.split(" | "):
                words, choices = [], []
                for w in alt.split():
                    if re.fullmatch(r"[a-z]+", w):
                        words.append(w)
                    elif re.fullmatch(r"[a-z]+(\|[a-z]+)+", w):
                        choices = w.split("|")  # merge|dismiss
                        break
                    else:
                        break
                want = "Cm " + " ".join(words)
                found = [h for h in heads if h.startswith(want + " ") or
                         h == want]
                self.assertTrue(found, "matchctl %s: no .It %s" % (alt,
                                                                   want))
                for c in choices:
                    self.assertTrue(any(c in h.split() for h in found),
                                    "matchctl %s: %s" % (alt, c))
            for opt in re.findall(r"--[a-z]+", usage):
                self.assertIn(opt, text, "matchctl %s" % opt)
        for opt in re.findall(r"-[a-z]\b|--[a-z]+",
                              r.stderr.split("commands:", 1)[0]):
            self.assertIn(opt, text, "matchctl %s" % opt)
        self.assertIn("MATCHCTL_SERVER", text)
        self.assertIn("MATCHCTL_TOKEN", text)

    def test_every_matcherd_option_is_documented(self):
        r = run([os.path.join(BUILD_DIR, "matcherd"), "-h"])
        self.assertEqual(r.returncode, 64)
        self.assertTrue(r.stderr.startswith("usage: matcherd"), r.stderr)
        heads = [h for h, _ in man_items(read(PAGES["matcherd.8"]))
                 ["DESCRIPTION"]]
        opts = re.findall(r"-[a-z]\b|--[a-z]+", r.stderr)
        self.assertGreaterEqual(len(opts), 7)
        # Every long option of getopt_long's table, --help too.
        opts += ["-h"] + ["--" + m for m in re.findall(
            r'\{ "([a-z]+)", \w+_argument', read(os.path.join(
                SOURCE_DIR, "matcher", "daemon", "main.c")))]
        for opt in opts:
            want = "Fl " + ("\\-" + opt[2:] if opt.startswith("--")
                            else opt[1:])
            self.assertTrue(any(re.search(r"(^|, )%s( |$)" %
                                          re.escape(want), h)
                                for h in heads),
                            "matcherd %s: no .It %s in matcherd.8" %
                            (opt, want))


def cache_value(build, name):
    for line in read(os.path.join(build, "CMakeCache.txt")).splitlines():
        if line.startswith(name + ":"):
            return line.split("=", 1)[1]
    raise AssertionError("%s is not in %s/CMakeCache.txt" % (name, build))


class InstalledTree:
    """An install under root: the paths of its files."""

    def __init__(self, root, prefix):
        self.root = root
        self.prefix = os.path.join(root, prefix.lstrip("/"))
        etc = "/etc" if prefix == "/usr" else os.path.join(prefix, "etc")
        self.confdir = os.path.join(root, etc.lstrip("/"), "matcherd")
        self.sbin = os.path.join(self.prefix, "sbin")
        self.matcherd = os.path.join(self.sbin, "matcherd")
        self.share = os.path.join(self.prefix, "share")
        self.data = os.path.join(self.share, "matcherd", "data")
        self.www = os.path.join(self.share, "matcherd", "www")
        self.users = os.path.join(self.confdir, "users")


class InstallChecks:
    """Checks of an InstalledTree self.t (mixed into the test cases)."""

    def matcherd(self, *args, **kw):
        # Run from the temporary directory: nothing relative to the
        # source tree's working directory can be found.
        return run([self.t.matcherd] + list(args), cwd=self.tmp, **kw)

    @contextlib.contextmanager
    def broken(self, path, edit):
        """The installed copy path edited by edit(text) meanwhile."""
        saved = read(path)
        with open(path, "w", encoding="utf-8") as f:
            f.write(edit(saved))
        try:
            yield
        finally:
            with open(path, "w", encoding="utf-8") as f:
                f.write(saved)

    def check_layout(self):
        t = self.t
        for path in (t.matcherd, os.path.join(t.prefix, "bin", "matchctl"),
                     os.path.join(t.data, "rome_fiches.csv"),
                     os.path.join(t.data, "communes_59_62.csv"),
                     os.path.join(t.www, "index.html"),
                     os.path.join(t.confdir, "matcherd.conf"),
                     os.path.join(t.confdir, "rules.conf"), t.users,
                     os.path.join(t.prefix, "lib", "systemd", "system",
                                  "matcherd.service"),
                     os.path.join(t.share, "man", "man8", "matcherd.8"),
                     os.path.join(t.share, "man", "man5", "matcherd.conf.5"),
                     os.path.join(t.share, "man", "man1", "matchctl.1"),
                     os.path.join(t.share, "doc", "matcherd", "README.md"),
                     os.path.join(t.share, "doc", "matcherd",
                                  "PROTOCOL.md")):
            self.assertTrue(os.path.isfile(path), path)
        for tool in ("matcher-gen", "matcher-bench"):
            self.assertEqual(glob.glob(os.path.join(t.root, "**", tool),
                                       recursive=True), [], tool)
        # The Redis password and the token hashes are not for everyone.
        for name in ("matcherd.conf", "users"):
            mode = os.stat(os.path.join(t.confdir, name)).st_mode & 0o777
            self.assertEqual(mode & 0o007, 0, name)

    def check_finds_installed_files(self):
        t = self.t
        r = self.matcherd("-n", "--users", t.users)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("configuration OK", r.stdout)
        # The default configuration is the installed one...
        conf = os.path.join(t.confdir, "matcherd.conf")
        with self.broken(conf, lambda s: s + "\n[nosuch]\n"):
            r = self.matcherd("-n", "--users", t.users)
        self.assertEqual(r.returncode, 1)
        self.assertRegex(r.stderr, "^%s:[0-9]+: unknown section" %
                         re.escape(conf))
        # ...and so are the rules...
        rules = os.path.join(t.confdir, "rules.conf")
        with self.broken(rules, lambda s: s + "\nno equals sign here (\n"):
            r = self.matcherd("-n", "--users", t.users)
        self.assertEqual(r.returncode, 1)
        self.assertTrue(r.stderr.startswith(rules + ":"), r.stderr)
        # ...and the reference data.
        rome = os.path.join(t.data, "rome_fiches.csv")
        with self.broken(rome, lambda s: ""):
            r = self.matcherd("-n", "--users", t.users)
        self.assertEqual(r.returncode, 1)
        self.assertTrue(r.stderr.startswith(rome), r.stderr)
        self.assertNotIn(SOURCE_DIR, r.stderr)


class CmakeInstall(unittest.TestCase, InstallChecks):
    """DESTDIR=tmp cmake --install of MATCHERD_BUILD_DIR."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = harness.mkdtemp("matcherd-install-")
        root = os.path.join(cls.tmp, "root")
        r = run(["cmake", "--install", BUILD_DIR],
                env=dict(os.environ, DESTDIR=root))
        if r.returncode != 0:
            raise AssertionError("cmake --install: %s%s" % (r.stdout,
                                                           r.stderr))
        cls.t = InstalledTree(root, cache_value(BUILD_DIR,
                                                "CMAKE_INSTALL_PREFIX"))

    @classmethod
    def tearDownClass(cls):
        if not os.environ.get("MATCHERD_KEEP_TMP"):
            shutil.rmtree(cls.tmp, ignore_errors=True)

    def test_layout(self):
        self.check_layout()

    def test_installed_matcherd_finds_installed_files(self):
        self.check_finds_installed_files()

    def test_installed_matcherd_serves_installed_page(self):
        t = self.t
        redis = harness.RedisServer(tmpdir=os.path.join(self.tmp, "redis"))
        os.makedirs(redis.tmpdir, exist_ok=True)
        self.addCleanup(redis.kill)
        redis.start()
        index = os.path.join(t.www, "index.html")
        marker = "<!-- installed copy -->"
        with self.broken(index, lambda s: s + marker):
            port, http_port = harness.free_port(), harness.free_port()
            log = open(os.path.join(self.tmp, "matcherd.log"), "w+")
            self.addCleanup(log.close)
            proc = subprocess.Popen(
                [t.matcherd, "--listen", "127.0.0.1:%d" % port, "--redis",
                 redis.addr, "--http", "127.0.0.1:%d" % http_port,
                 "--users", t.users],
                cwd=self.tmp, stdin=subprocess.DEVNULL, stdout=log,
                stderr=log)
            self.addCleanup(lambda: proc.poll() is None and proc.kill())

            def ready():
                log.seek(0)
                if proc.poll() is not None:
                    raise AssertionError("matcherd exited: " + log.read())
                return "matcherd ready" in log.read()
            harness.wait_until(ready, harness.START_TIMEOUT,
                               what="the installed matcherd to be ready")
            resp = harness.http_request("127.0.0.1:%d" % http_port, "GET",
                                        "/", token=None)
            self.assertEqual(resp.status, 200)
            self.assertIn(marker, resp.body.decode())
            proc.send_signal(signal.SIGTERM)
            self.assertEqual(proc.wait(harness.STOP_TIMEOUT), 0)
        log.seek(0)
        text = log.read()
        self.assertIn("communes from %s\n" % t.data, text)
        self.assertNotIn("no advisers' page", text)


def built_with_systemd():
    r = run(["ldd", os.path.join(BUILD_DIR, "matcherd")])
    return "libsystemd.so" in r.stdout


@unittest.skipUnless(built_with_systemd(), "built without libsystemd")
class SdNotify(harness.MatcherdTestCase):
    """Type=notify: what matcherd tells $NOTIFY_SOCKET (sdnotify.c)."""

    START_MATCHERD = False

    def next_message(self, sock):
        sock.settimeout(harness.START_TIMEOUT)
        return sock.recv(4096).decode()

    def test_ready_reloading_stopping(self):
        path = os.path.join(self.tmp, "notify")
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.addCleanup(sock.close)
        sock.bind(path)
        os.environ["NOTIFY_SOCKET"] = path
        try:
            d = self.start_matcherd()
        finally:
            del os.environ["NOTIFY_SOCKET"]
        # Ready once it serves (start_matcherd has had a ping answered).
        self.assertIn("READY=1", self.next_message(sock).split("\n"))
        d.send_signal(signal.SIGHUP)
        self.assertIn("RELOADING=1", self.next_message(sock).split("\n"))
        self.assertIn("READY=1", self.next_message(sock).split("\n"))
        self.assertEqual(d.stop(), 0)
        self.assertIn("STOPPING=1", self.next_message(sock).split("\n"))


@unittest.skipIf(os.environ.get("MATCHERD_TEST_DEB") == "0",
                 "MATCHERD_TEST_DEB=0")
@unittest.skipUnless(shutil.which("cpack") and shutil.which("dpkg-deb"),
                     "cpack or dpkg-deb missing")
class DebianPackage(unittest.TestCase, InstallChecks):
    """cpack -G DEB of a Release tree with the prefix /usr, unpacked with
    dpkg-deb -x."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = harness.mkdtemp("matcherd-deb-")
        build = os.path.join(cls.tmp, "build")
        steps = [
            ["cmake", "-S", SOURCE_DIR, "-B", build,
             "-DCMAKE_BUILD_TYPE=Release", "-DCMAKE_INSTALL_PREFIX=/usr",
             "-DMATCHERD_TESTS=OFF"],
            ["cmake", "--build", build, "-j", str(os.cpu_count() or 2),
             "--target", "matcherd", "matchctl"],
            ["cpack", "-G", "DEB"],
        ]
        for args in steps:
            r = run(args, cwd=build if args[0] == "cpack" else cls.tmp,
                    timeout=600)
            if r.returncode != 0:
                raise AssertionError("%s: %s%s" % (" ".join(args),
                                                   r.stdout[-3000:],
                                                   r.stderr[-3000:]))
        debs = glob.glob(os.path.join(build, "matcherd_*.deb"))
        if len(debs) != 1:
            raise AssertionError("cpack made %r" % debs)
        cls.deb = debs[0]
        root = os.path.join(cls.tmp, "root")
        r = run(["dpkg-deb", "-x", cls.deb, root])
        if r.returncode != 0:
            raise AssertionError("dpkg-deb -x: " + r.stderr)
        cls.t = InstalledTree(root, "/usr")

    @classmethod
    def tearDownClass(cls):
        if not os.environ.get("MATCHERD_KEEP_TMP"):
            shutil.rmtree(cls.tmp, ignore_errors=True)

    def field(self, name):
        r = run(["dpkg-deb", "-f", self.deb, name])
        self.assertEqual(r.returncode, 0, r.stderr)
        return r.stdout.strip()

    def test_control(self):
        depends = self.field("Depends")
        for lib in LIBS + ("adduser",):
            self.assertIn(lib, depends)
        self.assertIn("redis-server", self.field("Recommends"))
        ctrl = os.path.join(self.tmp, "control")
        os.makedirs(ctrl, exist_ok=True)
        r = run(["dpkg-deb", "-e", self.deb, ctrl])
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(read(os.path.join(ctrl, "conffiles")).split(),
                         ["/etc/matcherd/matcherd.conf",
                          "/etc/matcherd/rules.conf", "/etc/matcherd/users"])
        postinst = read(os.path.join(ctrl, "postinst"))
        self.assertIn("adduser --system", postinst)
        self.assertTrue(os.access(os.path.join(ctrl, "postinst"), os.X_OK))

    def test_layout(self):
        self.check_layout()
        self.assertTrue(os.path.isdir(os.path.join(self.t.root, "etc",
                                                   "matcherd")))
        # The installed configuration names the installed users file.
        self.assertIn('\nusers = "/etc/matcherd/users"\n',
                      read(os.path.join(self.t.confdir, "matcherd.conf")))

    def test_installed_matcherd_finds_installed_files(self):
        self.check_finds_installed_files()
        r = run(["ldd", self.t.matcherd])
        self.assertIn("libsystemd.so", r.stdout)

    @unittest.skipUnless(shutil.which("systemd-analyze"),
                         "systemd-analyze missing")
    def test_unit_verifies(self):
        unit = read(os.path.join(self.t.prefix, "lib", "systemd", "system",
                                 "matcherd.service"))
        self.assertIn("ExecStart=/usr/sbin/matcherd -c "
                      "/etc/matcherd/matcherd.conf\n", unit)
        self.assertIn("Type=notify\n", unit)
        self.assertIn("LimitNOFILE=%d\n" % fd_limit_of_defaults(), unit)
        # The unpacked binary stands in for /usr/sbin/matcherd, which
        # verify wants executable.
        local = os.path.join(self.tmp, "matcherd.service")
        with open(local, "w") as f:
            f.write(unit.replace("/usr/sbin/matcherd", self.t.matcherd))
        r = run(["systemd-analyze", "verify", "--man=no", local])
        self.assertEqual((r.returncode, r.stdout + r.stderr), (0, ""))


if __name__ == "__main__":
    unittest.main()
