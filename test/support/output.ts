/**
 * What this process writes to stdout and stderr while a piece of code runs (Powertools writes log lines there,
 * INFO to stdout and ERROR to stderr), collected for assertions and kept out of the test output.
 */

type Written<T> = { result: T; output: string };

function startCapture(): { output(): string; restore(): void } {
  const writes: string[] = [];
  const capture = (chunk: string | Uint8Array) => {
    writes.push(String(chunk));
    return true;
  };
  const spies = [
    jest.spyOn(process.stdout, 'write').mockImplementation(capture),
    jest.spyOn(process.stderr, 'write').mockImplementation(capture),
  ];
  return {
    output: () => writes.join(''),
    restore: () => {
      for (const s of spies) s.mockRestore();
    },
  };
}

/** Run `run` (synchronous) and return its result with everything written meanwhile. */
export function writtenWhile<T>(run: () => T): Written<T> {
  const capture = startCapture();
  try {
    const result = run();
    return { result, output: capture.output() };
  } finally {
    capture.restore();
  }
}

/** Await `run` and return its result with everything written meanwhile. */
export async function writtenDuring<T>(run: () => Promise<T>): Promise<Written<T>> {
  const capture = startCapture();
  try {
    const result = await run();
    return { result, output: capture.output() };
  } finally {
    capture.restore();
  }
}
