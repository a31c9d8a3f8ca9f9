/*
 * Real processes for the end-to-end tests: a private redis-server and the
 * real matcherd from the build directory, on free loopback ports, in a
 * temporary directory.  Whatever is started here is killed when the test
 * process ends, however it ends: stop() in the tests' after() hook, an
 * 'exit' hook for anything left, signal handlers for ctest's SIGTERM, and
 * the kernel's parent-death signal (setpriv --pdeathsig) for a SIGKILL.
 *
 * The daemon reads a users file written here (USERS, tokenOf()), as the
 * integration tests' harness does: the tests sign in with those tokens.
 *
 * Environment (as for tests/integration/harness.py):
 *   MATCHERD_BUILD_DIR   where matcherd is (default: build/)
 *   MATCHERD_SOURCE_DIR  the source tree (default: two levels above)
 *   MATCHERD_KEEP_TMP=1  keep the temporary directory (logs)
 */
import { spawn, spawnSync, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const SOURCE_DIR = path.resolve(process.env.MATCHERD_SOURCE_DIR ||
    path.join(HERE, '..', '..'));
export const BUILD_DIR = path.resolve(process.env.MATCHERD_BUILD_DIR ||
    path.join(SOURCE_DIR, 'build'));
export const MATCHERD = path.join(BUILD_DIR, 'matcherd');
export const CONFIG = path.join(SOURCE_DIR, 'config', 'matcherd.conf');
export const PREFIX = 'matcherd';	/* [redis] prefix of CONFIG */

/*
 * The users of the daemon ([auth] users, matcher/core/users.h): name,
 * role, sectors.  Their tokens are made as tests/integration/harness.py
 * makes them (token_of()), so both suites speak of the same users.
 */
export const USERS = [
	['admin', 'admin', '*'],
	['adv-all', 'adviser', '*'],
	['adv-industrie', 'adviser', 'industrie'],
];

const sha256 = (s) => createHash('sha256').update(s).digest('hex');

/* The test token of a user of USERS: 64 hex digits, like matchctl's. */
export function tokenOf(name) {
	return sha256('matcherd test token ' + name);
}

export const ADMIN_TOKEN = tokenOf('admin');
/* The advisers' page is signed in to with this one: every sector. */
export const ADVISER = 'adv-all';
export const ADVISER_TOKEN = tokenOf(ADVISER);

/* The users file: "NAME ROLE SECTORS SHA256" lines, only hashes, 0600. */
export function writeUsersFile(file, users = USERS) {
	const lines = ['# NAME ROLE SECTORS SHA256 (written by tests/e2e/' +
	    'servers.mjs)'];
	for (const [name, role, sectors] of users)
		lines.push([name, role, sectors, sha256(tokenOf(name))].join(' '));
	fs.writeFileSync(file, lines.join('\n') + '\n', { mode: 0o600 });
	fs.chmodSync(file, 0o600);	/* whatever the umask */
	return file;
}

/* Generous: the sanitizer build is several times slower. */
const START_TIMEOUT_MS = 30000;
const STOP_TIMEOUT_MS = 15000;

const SANITIZER = /ERROR: AddressSanitizer|ERROR: LeakSanitizer|runtime error:|SUMMARY: (Address|Undefined|Leak)Sanitizer/;

const live = new Set();

function which(cmd, fallback) {
	const r = spawnSync('sh', ['-c', 'command -v "$1"', 'sh', cmd],
	    { encoding: 'utf8' });
	return r.status === 0 ? r.stdout.trim() : fallback;
}

const REDIS_SERVER = which('redis-server', '/usr/bin/redis-server');
export const REDIS_CLI = which('redis-cli', '/usr/bin/redis-cli');
/* util-linux: the child gets SIGKILL when this process dies. */
const SETPRIV = which('setpriv', null);

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/* A TCP port on 127.0.0.1 that nobody listens on right now. */
export function freePort() {
	return new Promise((resolve, reject) => {
		const srv = net.createServer();
		srv.on('error', reject);
		srv.listen(0, '127.0.0.1', () => {
			const { port } = srv.address();
			srv.close(() => resolve(port));
		});
	});
}

export function mkTmp(prefix) {
	return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/* Start argv[0] with its output in logfile; it dies with us. */
function launch(argv, logfile) {
	const fd = fs.openSync(logfile, 'a');
	const full = SETPRIV ? [SETPRIV, '--pdeathsig', 'KILL', '--', ...argv] :
	    argv;
	const proc = spawn(full[0], full.slice(1), {
		cwd: SOURCE_DIR,
		stdio: ['ignore', fd, fd],
	});
	fs.closeSync(fd);
	proc.exitStatus = null;
	proc.exited = new Promise((resolve) => {
		proc.on('exit', (code, signal) => {
			proc.exitStatus = { code, signal };
			live.delete(proc);
			resolve(proc.exitStatus);
		});
	});
	live.add(proc);
	return proc;
}

function killAllNow() {
	for (const proc of live) {
		try {
			proc.kill('SIGKILL');
		} catch (e) { /* already gone */ }
	}
	live.clear();
}

process.on('exit', killAllNow);
for (const sig of ['SIGTERM', 'SIGINT', 'SIGHUP']) {
	process.on(sig, () => {
		killAllNow();
		process.exit(128 + os.constants.signals[sig]);
	});
}

/* Poll check() until it returns a true value, or fail after ms. */
export async function waitFor(check, ms, what) {
	const deadline = Date.now() + ms;
	let last = null;
	for (;;) {
		try {
			const v = await check();
			if (v)
				return v;
		} catch (e) {
			last = e;
			if (e.fatal)
				throw e;
		}
		if (Date.now() > deadline)
			throw new Error('timed out waiting for ' + what +
			    (last ? ' (last error: ' + last.message + ')' : ''));
		await sleep(100);
	}
}

function fatal(message) {
	const e = new Error(message);
	e.fatal = true;
	return e;
}

function readLog(file) {
	try {
		return fs.readFileSync(file, 'utf8');
	} catch (e) {
		return '';
	}
}

/* SIGTERM, wait, SIGKILL: the exit status ({code, signal}), killed: true
 * if it had to be killed. */
export async function stopProcess(proc, ms = STOP_TIMEOUT_MS) {
	if (!proc || proc.exitStatus)
		return proc ? proc.exitStatus : null;
	proc.kill('SIGTERM');
	let timer;
	const timeout = new Promise((resolve) => {
		timer = setTimeout(() => resolve(null), ms);
	});
	const status = await Promise.race([proc.exited, timeout]);
	clearTimeout(timer);	/* or it keeps this process alive */
	if (status)
		return status;
	proc.kill('SIGKILL');
	return { ...(await proc.exited), killed: true };
}

function pingRedis(port) {
	return new Promise((resolve) => {
		const s = net.connect(port, '127.0.0.1');
		let buf = '';
		s.setTimeout(1000, () => { s.destroy(); resolve(false); });
		s.on('error', () => resolve(false));
		s.on('connect', () => s.write('PING\r\n'));
		s.on('data', (d) => {
			buf += d;
			if (buf.includes('\r\n')) {
				s.destroy();
				resolve(buf.startsWith('+PONG'));
			}
		});
	});
}

export class Redis {
	constructor(dir) {
		this.dir = dir;
		this.logfile = path.join(dir, 'redis.log');
		this.port = null;
		this.proc = null;
	}

	async start() {
		for (let tries = 1; ; tries++) {
			const port = await freePort();
			this.proc = launch([REDIS_SERVER, '--port', String(port),
			    '--bind', '127.0.0.1', '--dir', this.dir,
			    '--logfile', this.logfile, '--daemonize', 'no',
			    '--save', '', '--appendonly', 'no'], this.logfile);
			try {
				await waitFor(async () => {
					if (this.proc.exitStatus)
						throw fatal('redis-server exited');
					return pingRedis(port);
				}, START_TIMEOUT_MS, 'redis-server to answer PING');
				this.port = port;
				return this;
			} catch (e) {
				await stopProcess(this.proc, 1000);
				/* The port may have been taken since we looked. */
				if (tries < 3)
					continue;
				throw new Error(e.message + '\n--- redis log ---\n' +
				    readLog(this.logfile));
			}
		}
	}

	/* One command through redis-cli --raw; its output, trimmed. */
	cli(...args) {
		return execFileSync(REDIS_CLI, ['-h', '127.0.0.1', '-p',
		    String(this.port), '--raw', ...args.map(String)],
		    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
		    .replace(/\n$/, '');
	}

	stop() {
		return stopProcess(this.proc);
	}
}

export class Matcherd {
	constructor(redis, dir) {
		this.redis = redis;
		this.logfile = path.join(dir, 'matcherd.log');
		this.usersFile = writeUsersFile(path.join(dir, 'users'));
		this.proc = null;
		this.rpcPort = null;
		this.httpPort = null;
	}

	get base() {
		return 'http://127.0.0.1:' + this.httpPort;
	}

	args() {
		return [MATCHERD, '-c', CONFIG,
			'--listen', '127.0.0.1:' + this.rpcPort,
			'--redis', '127.0.0.1:' + this.redis.port,
			'--http', '127.0.0.1:' + this.httpPort,
			'--users', this.usersFile];
	}

	async ready() {
		if (this.proc.exitStatus)
			throw fatal('matcherd exited with ' +
			    JSON.stringify(this.proc.exitStatus));
		try {
			const res = await fetch(this.base + '/api/stats', {
				headers: { Authorization: 'Bearer ' + ADMIN_TOKEN },
				signal: AbortSignal.timeout(2000),
			});
			return res.ok;
		} catch (e) {
			return false;
		}
	}

	async start() {
		if (!fs.existsSync(MATCHERD))
			throw new Error(MATCHERD + ' is missing: build it first ' +
			    '(MATCHERD_BUILD_DIR=' + BUILD_DIR + ')');
		for (let tries = 1; ; tries++) {
			this.rpcPort = await freePort();
			this.httpPort = await freePort();
			fs.appendFileSync(this.logfile, '==== ' +
			    this.args().join(' ') + '\n');
			this.proc = launch(this.args(), this.logfile);
			try {
				await waitFor(() => this.ready(), START_TIMEOUT_MS,
				    'matcherd to answer GET /api/stats on ' + this.base);
				return this;
			} catch (e) {
				const died = Boolean(this.proc.exitStatus);
				await stopProcess(this.proc, 1000);
				if (died && tries < 3 &&
				    /ddress already in use/.test(this.log()))
					continue;
				throw new Error(e.message + '\n--- matcherd log ---\n' +
				    this.log());
			}
		}
	}

	log() {
		return readLog(this.logfile);
	}

	sanitizerReport() {
		return SANITIZER.test(this.log());
	}

	stop() {
		return stopProcess(this.proc);
	}
}

/*
 * The JSON API from the test itself (docs/HTTP.md), as the user of token
 * (none: unauthenticated).
 */
export async function apiCall(base, method, route, body, token) {
	const init = { method, headers: {} };
	if (token)
		init.headers.Authorization = 'Bearer ' + token;
	if (body !== undefined) {
		init.headers['Content-Type'] = 'application/json';
		init.body = JSON.stringify(body);
	}
	const res = await fetch(base + route, init);
	const text = await res.text();
	let data = null;
	try {
		data = JSON.parse(text);
	} catch (e) {
		data = text;
	}
	return { status: res.status, headers: res.headers, data };
}
