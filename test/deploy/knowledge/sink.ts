// A writable that keeps what a command writes, as a pipe would (not a terminal: plain lines).
export interface Sink extends NodeJS.WritableStream {
  text: string;
}

export function sink(): Sink {
  const out = {
    text: '',
    isTTY: false,
    write(chunk: string | Uint8Array) {
      out.text += chunk.toString();
      return true;
    },
  };
  return out as unknown as Sink;
}
