/**
 * Choose the port a local emulator listens on: an exact one (fails if taken), a preferred one with a fallback
 * to any free port, or any free port.
 */
import net from 'node:net';

/** The interface every local emulator listens on. */
export const HOST = '127.0.0.1';

/** How a caller asks for a port: `port` exact (0 = any), else `preferredPort` if it is free, else any. */
export interface PortChoice {
  port?: number;
  preferredPort?: number;
}

/** A port nobody listens on right now (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen(0, HOST, () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** True if nothing accepts connections on the port and it can be bound on all interfaces. */
export async function isPortFree(port: number): Promise<boolean> {
  const accepts = await new Promise<boolean>((resolve) => {
    const socket = net.connect({ port, host: HOST });
    socket.setTimeout(500);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(false));
  });
  if (accepts) return false;
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', () => resolve(false));
    srv.listen(port, () => srv.close(() => resolve(true)));
  });
}

export async function choosePort(opts: PortChoice, name: string): Promise<number> {
  if (opts.port !== undefined && opts.port !== 0) {
    if (!(await isPortFree(opts.port))) throw new Error(`${name}: port ${opts.port} is already in use`);
    return opts.port;
  }
  if (opts.preferredPort !== undefined && (await isPortFree(opts.preferredPort))) return opts.preferredPort;
  return freePort();
}
