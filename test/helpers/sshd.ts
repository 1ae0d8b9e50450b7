/**
 * A throwaway OpenSSH server for one test file: 127.0.0.1 on a free port, its own host key, one authorized client
 * key, and an ssh client configuration (`-F`) that trusts exactly that host key, so nothing in ~/.ssh is read or
 * written. The remote command is whatever `docker` sshd's default PATH finds (/usr/local/bin, then /usr/bin).
 * `stop()` kills sshd (and with it every session) and removes the directory.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { freePort } from './ports';

export interface Sshd {
  port: number;
  user: string;
  dir: string;
  /** ssh arguments for a client that trusts this server's host key: `['-F', config]`. */
  clientOptions: string[];
  /** Same, but with a known_hosts that holds a different key for this server. */
  wrongHostKeyOptions: string[];
  /** `ssh://user@127.0.0.1:port[/socketPath]`. */
  url(socketPath?: string): string;
  /** The same server on a second port whose sessions find no `docker` on PATH. */
  noDockerUrl(socketPath?: string): string;
  /** sshd's log so far (for failure messages). */
  log(): string;
  stop(): Promise<void>;
}

function keygen(file: string): string {
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'dec-test', '-f', file]);
  return readFileSync(`${file}.pub`, 'utf8').trim();
}

function clientConfig(dir: string, name: string, knownHosts: string): string {
  const file = join(dir, name);
  writeFileSync(
    file,
    [
      'Host *',
      `  IdentityFile ${join(dir, 'client_key')}`,
      '  IdentitiesOnly yes',
      '  IdentityAgent none',
      `  UserKnownHostsFile ${knownHosts}`,
      '  GlobalKnownHostsFile /dev/null',
      '  StrictHostKeyChecking yes',
      '  BatchMode yes',
      '  LogLevel ERROR',
      '',
    ].join('\n'),
  );
  return file;
}

/**
 * `remoteDockerHost`: DOCKER_HOST of the sessions, so an ssh:// address without a socket path reaches that engine
 * (as a remote's own default would).
 */
export async function startSshd(opts: { remoteDockerHost?: string } = {}): Promise<Sshd> {
  const dir = mkdtempSync(join(tmpdir(), 'dec-sshd-'));
  const user = userInfo().username;
  const hostKey = keygen(join(dir, 'host_key'));
  const otherKey = keygen(join(dir, 'other_host_key'));
  writeFileSync(join(dir, 'authorized_keys'), `${keygen(join(dir, 'client_key'))}\n`);
  const port = await freePort();
  const noDockerPort = await freePort();
  const [type, key] = hostKey.split(' ');
  const [otherType, other] = otherKey.split(' ');
  writeFileSync(join(dir, 'known_hosts'), `[127.0.0.1]:${port} ${type} ${key}\n[127.0.0.1]:${noDockerPort} ${type} ${key}\n`);
  writeFileSync(join(dir, 'wrong_known_hosts'), `[127.0.0.1]:${port} ${otherType} ${other}\n`);
  writeFileSync(
    join(dir, 'sshd_config'),
    [
      `Port ${port}`,
      `Port ${noDockerPort}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${join(dir, 'host_key')}`,
      'PidFile none',
      `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
      'UsePAM no',
      'StrictModes no',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'PubkeyAuthentication yes',
      'PermitRootLogin prohibit-password',
      `AllowUsers ${user}`,
      'LogLevel VERBOSE',
      ...(opts.remoteDockerHost ? [`SetEnv DOCKER_HOST=${opts.remoteDockerHost}`] : []),
      `Match LocalPort ${noDockerPort}`,
      '  SetEnv PATH=/nonexistent',
      '',
    ].join('\n'),
  );
  // sshd refuses to start without its privilege separation directory (normally made by the service unit).
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  let log = '';
  const child: ChildProcess = spawn('/usr/sbin/sshd', ['-D', '-e', '-f', join(dir, 'sshd_config')], { stdio: ['ignore', 'ignore', 'pipe'] });
  child.stderr!.on('data', (c: Buffer) => {
    log = (log + c.toString()).slice(-20000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await waitForPort(port, child, () => log);
  const sshd: Sshd = {
    port,
    user,
    dir,
    clientOptions: ['-F', clientConfig(dir, 'ssh_config', join(dir, 'known_hosts'))],
    wrongHostKeyOptions: ['-F', clientConfig(dir, 'ssh_config_wrong', join(dir, 'wrong_known_hosts'))],
    url: (socketPath) => `ssh://${user}@127.0.0.1:${port}${socketPath ?? ''}`,
    noDockerUrl: (socketPath) => `ssh://${user}@127.0.0.1:${noDockerPort}${socketPath ?? ''}`,
    log: () => log,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return sshd;
}

async function waitForPort(port: number, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`sshd exited during start-up:\n${log()}`);
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1', () => {
        s.destroy();
        resolve(true);
      });
      s.on('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`sshd did not listen on 127.0.0.1:${port}:\n${log()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The pids of this process's children running `comm` (from /proc), to prove none is left behind. */
export function childProcesses(comm: string): number[] {
  const out: number[] = [];
  for (const entry of readdirSafe('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const state = fields[0];
      const ppid = Number(fields[1]);
      if (ppid === process.pid && name === comm && state !== 'Z') out.push(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  return out;
}

function readdirSafe(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
