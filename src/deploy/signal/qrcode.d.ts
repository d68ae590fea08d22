// The part of `qrcode` 1.5 (node-qrcode, CommonJS, no bundled types) that moat
// uses, declared here instead of adding @types/qrcode: lib/index.js exports
// toString(text, options) → Promise<string> and create(text, options) → { modules }
// (lib/core/qrcode.js, lib/core/bit-matrix.js).
declare module 'qrcode' {
  interface QrOptions {
    readonly errorCorrectionLevel?: 'L' | 'M' | 'Q' | 'H';
  }
  interface BitMatrix {
    readonly size: number;
    get(row: number, col: number): number;
  }
  const QRCode: {
    toString(
      text: string,
      options: QrOptions & { readonly type: 'utf8' | 'terminal' | 'svg'; readonly margin?: number; readonly small?: boolean },
    ): Promise<string>;
    create(text: string, options?: QrOptions): { readonly modules: BitMatrix };
  };
  export default QRCode;
}
