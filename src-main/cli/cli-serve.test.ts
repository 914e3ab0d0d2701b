/** `baseplate serve` through the real bin: prints its address, serves, stops cleanly on SIGTERM. */
import { spawn } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const BIN = path.resolve(__dirname, '../../bin/baseplate.mjs');

function startServe(args: string[], env: Record<string, string> = {}): { child: ReturnType<typeof spawn>; firstLine: Promise<string>; exit: Promise<{ code: number | null; stderr: string }> } {
  const child = spawn(process.execPath, [BIN, 'serve', ...args], { env: { ...process.env, BASEPLATE_LOG: 'silent', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const firstLine = new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (c: Buffer) => {
      stdout += c.toString();
      if (stdout.includes('\n')) resolve(stdout.split('\n')[0]!);
    });
    child.once('exit', () => reject(new Error(`serve exited before printing an address: ${stderr}`)));
  });
  firstLine.catch(() => undefined); // a test that expects an early exit does not read it
  const exit = new Promise<{ code: number | null; stderr: string }>((resolve) => child.once('exit', (code) => resolve({ code, stderr })));
  // Never outlive the test.
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  void exit.then(() => clearTimeout(timer));
  return { child, firstLine, exit };
}

function status(url: string): Promise<number> {
  return new Promise((resolve, reject) => http.get(url, (res) => { res.resume(); resolve(res.statusCode ?? 0); }).on('error', reject));
}

describe('baseplate serve', () => {
  it('prints a tokened 127.0.0.1 address, answers on it, and stops on SIGTERM', async () => {
    const s = startServe(['--port', '0']);
    const url = await s.firstLine;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/#token=[A-Za-z0-9_-]+$/);
    // The app's page is served (the token stays in the fragment, for the page's socket).
    expect([200, 503]).toContain(await status(url.replace(/#.*$/, '')));
    s.child.kill('SIGTERM');
    expect((await s.exit).code).toBe(0);
  }, 30_000);

  it('honours PORT, and says so in one line when the port is taken', async () => {
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      const s = startServe([], { PORT: String(port) });
      const { code, stderr } = await s.exit;
      expect(code).toBe(1);
      expect(stderr.trim()).toBe(`baseplate: Port ${port} is in use; choose another with --port or PORT (0 picks a free one).`);
    } finally {
      blocker.close();
    }
  }, 30_000);
});
