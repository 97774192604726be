// ISO-2022-JP (RFC 1468) and CP50220 ("ISO-2022-JP-MS") for Japanese mail.
//
// Many Japanese customers' mail clients read 7-bit ISO-2022-JP best, so outbound
// mail uses it whenever the whole message fits. iconv-lite has no ISO-2022-JP
// codec, so the JIS X 0208 plane is taken from its EUC-JP table and Microsoft's
// additions (NEC row 13, NEC-selected IBM extensions rows 89-92) from its CP932
// table. Pure module: no I/O.
//
// Stream shape we write: starts in ASCII; ESC $ B before JIS X 0208, ESC ( B
// before ASCII (so CR/LF are always written in ASCII); ESC ( J only for ¥ and ‾
// (JIS-Roman, as RFC 1468 and Python's codec do); always ends in ASCII.

import iconv from 'iconv-lite';

export type JapaneseMailCharset = 'iso-2022-jp' | 'iso-2022-jp-ms';

export type Iso2022JpEncoding =
  | { ok: true; bytes: Buffer }
  | { ok: false; unencodable: string[] };

export interface Iso2022JpDecoding {
  text: string;
  /** false when some bytes could not be decoded; `text` then holds U+FFFD there. */
  ok: boolean;
  /** First few problems (at most MAX_REPORTED_PROBLEMS), byte offsets into the input. */
  problems: { offset: number; reason: string }[];
}

const ESC = 0x1b;
const SO = 0x0e;
const SI = 0x0f;
const TO_ASCII = [ESC, 0x28, 0x42]; // ESC ( B
const TO_JIS_ROMAN = [ESC, 0x28, 0x4a]; // ESC ( J
const TO_JIS_X_0208 = [ESC, 0x24, 0x42]; // ESC $ B
const MAX_REPORTED_PROBLEMS = 10;

// ---------------------------------------------------------------------------
// Character tables (built once, on first use: ~9k iconv-lite look-ups).

/** JIS rows outside JIS X 0208 that Microsoft's CP50220 adds. */
const NEC_SPECIAL_ROW = 13;
const NEC_SELECTED_IBM_ROWS = [89, 90, 91, 92];

/**
 * Unicode code points Windows (CP932) and JIS disagree on for the same JIS
 * code. iconv-lite's tables give the Windows form; the JIS form (what Python,
 * macOS and the JIS standard use) is accepted too and is what we decode to.
 */
const JIS_FORM_OF_WINDOWS_CHAR: Record<number, number> = {
  0xff5e: 0x301c, // FULLWIDTH TILDE → WAVE DASH (JIS 1-33)
  0x2225: 0x2016, // PARALLEL TO → DOUBLE VERTICAL LINE (JIS 1-34)
  0xff0d: 0x2212, // FULLWIDTH HYPHEN-MINUS → MINUS SIGN (JIS 1-61)
  0xffe0: 0x00a2, // FULLWIDTH CENT SIGN → CENT SIGN (JIS 1-81)
  0xffe1: 0x00a3, // FULLWIDTH POUND SIGN → POUND SIGN (JIS 1-82)
  0xffe2: 0x00ac, // FULLWIDTH NOT SIGN → NOT SIGN (JIS 2-44)
};

/** Macs map JIS 1-29 to EM DASH, Windows and Python to HORIZONTAL BAR. */
const EM_DASH = 0x2014;
const HORIZONTAL_BAR = 0x2015;

const YEN_SIGN = 0x00a5;
const OVERLINE = 0x203e;

interface Tables {
  /** JIS code (row/col as 0x2121..0x7E7E) → Unicode, index (row-1)*94+(col-1); 0 = unassigned. */
  decode: Uint16Array;
  /** Unicode BMP → JIS code, 0 = not encodable. */
  encodeJis: Uint16Array;
  encodeMs: Uint16Array;
}

let tables: Tables | undefined;

function getTables(): Tables {
  tables ??= buildTables();
  return tables;
}

function isJisX0208Row(row: number): boolean {
  return (row >= 1 && row <= 8) || (row >= 16 && row <= 84);
}

function jisCode(row: number, col: number): number {
  return ((row + 0x20) << 8) | (col + 0x20);
}

function decodeSingle(bytes: number[], encoding: string): number {
  const text = iconv.decode(Buffer.from(bytes), encoding);
  return text.length === 1 && text !== '\ufffd' ? text.charCodeAt(0) : 0;
}

/** Shift_JIS (CP932) bytes of a JIS row/column. */
function shiftJisBytes(row: number, col: number): number[] {
  const lead = ((row + 1) >> 1) + (row <= 62 ? 0x80 : 0xc0);
  const trail = row % 2 === 1 ? col + 0x3f + (col >= 64 ? 1 : 0) : col + 0x9e;
  return [lead, trail];
}

function buildTables(): Tables {
  const decode = new Uint16Array(94 * 94);
  const encodeJis = new Uint16Array(0x10000);
  const encodeMs = new Uint16Array(0x10000);

  for (let row = 1; row <= 84; row++) {
    if (!isJisX0208Row(row)) continue;
    for (let col = 1; col <= 94; col++) {
      const unicode = decodeSingle([row + 0xa0, col + 0xa0], 'eucjp');
      if (unicode === 0) continue;
      const code = jisCode(row, col);
      const jisForm = JIS_FORM_OF_WINDOWS_CHAR[unicode];
      decode[(row - 1) * 94 + col - 1] = jisForm ?? unicode;
      encodeJis[unicode] = code;
      if (jisForm !== undefined) encodeJis[jisForm] = code;
    }
  }
  if (encodeJis[HORIZONTAL_BAR] !== 0) encodeJis[EM_DASH] = encodeJis[HORIZONTAL_BAR];

  // CP50220 = JIS X 0208 plus Microsoft's rows. Where a character is in both
  // (∵ ≒ ¬ …), the JIS X 0208 code wins, as Windows itself encodes it.
  encodeMs.set(encodeJis);
  for (const row of [NEC_SPECIAL_ROW, ...NEC_SELECTED_IBM_ROWS]) {
    for (let col = 1; col <= 94; col++) {
      const unicode = decodeSingle(shiftJisBytes(row, col), 'shiftjis');
      if (unicode === 0) continue;
      decode[(row - 1) * 94 + col - 1] = unicode;
      if (encodeMs[unicode] === 0) encodeMs[unicode] = jisCode(row, col);
    }
  }
  return { decode, encodeJis, encodeMs };
}

// ---------------------------------------------------------------------------
// Half-width katakana (not allowed in ISO-2022-JP) → full-width.

/** Full-width forms of U+FF61..U+FF9F, in order. */
const FULL_WIDTH_OF_HALF_WIDTH =
  '。「」、・ヲァィゥェォャュョッーアイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワン゛゜';
const HALF_WIDTH_KATAKANA = /[\uff61-\uff9f]/;
const HALF_WIDTH_KATAKANA_RUN = /[\uff61-\uff9f]+/g;
const HALF_VOICED_MARK = '\uff9e'; // ﾞ
const HALF_SEMI_VOICED_MARK = '\uff9f'; // ﾟ
/** Only these combine: the results are in JIS X 0208 (ヷ, ヺ are not). */
const TAKES_VOICED_MARK = 'ウカキクケコサシスセソタチツテトハヒフヘホ';
const TAKES_SEMI_VOICED_MARK = 'ハヒフヘホ';

/** ｶﾞ → ガ, ﾊﾟ → パ, ｳﾞ → ヴ, ｱ → ア; a lone ﾞ becomes ゛. */
export function toFullWidthKatakana(text: string): string {
  if (!HALF_WIDTH_KATAKANA.test(text)) return text;
  return text.replace(HALF_WIDTH_KATAKANA_RUN, (run) => {
    let out = '';
    for (let i = 0; i < run.length; i++) {
      const full = FULL_WIDTH_OF_HALF_WIDTH[run.charCodeAt(i) - 0xff61];
      const mark = run[i + 1];
      if (mark === HALF_VOICED_MARK && TAKES_VOICED_MARK.includes(full)) {
        out += (full + '\u3099').normalize('NFC');
        i++;
      } else if (mark === HALF_SEMI_VOICED_MARK && TAKES_SEMI_VOICED_MARK.includes(full)) {
        out += (full + '\u309a').normalize('NFC');
        i++;
      } else {
        out += full;
      }
    }
    return out;
  });
}

// ---------------------------------------------------------------------------
// Encoder.

/**
 * Encode text for a mail body or header. Never substitutes or drops a
 * character: anything the variant cannot carry is reported in `unencodable`
 * (distinct characters, in order of first appearance).
 */
export function encodeIso2022Jp(text: string, variant: JapaneseMailCharset): Iso2022JpEncoding {
  const fullWidth = toFullWidthKatakana(text);
  const table = encodeTable(variant);
  const bytes = writeIso2022Jp(fullWidth, table);
  return bytes ? { ok: true, bytes } : { ok: false, unencodable: collectUnencodable(fullWidth, table) };
}

/** The characters `variant` cannot carry (empty when the text fits). */
export function findUnencodable(text: string, variant: JapaneseMailCharset): string[] {
  return collectUnencodable(toFullWidthKatakana(text), encodeTable(variant));
}

function encodeTable(variant: JapaneseMailCharset): Uint16Array {
  const { encodeJis, encodeMs } = getTables();
  return variant === 'iso-2022-jp' ? encodeJis : encodeMs;
}

/** A raw ESC/SO/SI in the text would let the text itself switch the reader's mode. */
function isModeSwitchingControl(unit: number): boolean {
  return unit === ESC || unit === SO || unit === SI;
}

function collectUnencodable(text: string, table: Uint16Array): string[] {
  const found = new Set<string>();
  for (const char of text) {
    const unit = char.charCodeAt(0);
    const fits =
      char.length === 1 &&
      (unit < 0x80 ? !isModeSwitchingControl(unit) : table[unit] !== 0 || unit === YEN_SIGN || unit === OVERLINE);
    if (!fits) found.add(char);
  }
  return [...found];
}

enum Mode {
  Ascii,
  JisRoman,
  JisX0208,
}

/** The encoded bytes, or undefined at the first character the table cannot carry. */
function writeIso2022Jp(text: string, table: Uint16Array): Buffer | undefined {
  // At most 5 bytes per UTF-16 unit (escape + 2 bytes); grown on demand.
  let out: Buffer = Buffer.allocUnsafe(text.length * 2 + 16);
  let pos = 0;
  let mode = Mode.Ascii;

  for (let i = 0; i < text.length; i++) {
    if (pos + 8 > out.length) out = grow(out);
    const unit = text.charCodeAt(i);
    if (unit < 0x80) {
      if (isModeSwitchingControl(unit)) return undefined;
      if (mode !== Mode.Ascii) pos = writeEscape(out, pos, TO_ASCII);
      mode = Mode.Ascii;
      out[pos++] = unit;
      continue;
    }
    const code = table[unit];
    if (code !== 0) {
      if (mode !== Mode.JisX0208) pos = writeEscape(out, pos, TO_JIS_X_0208);
      mode = Mode.JisX0208;
      out[pos] = code >> 8;
      out[pos + 1] = code & 0xff;
      pos += 2;
    } else if (unit === YEN_SIGN || unit === OVERLINE) {
      if (mode !== Mode.JisRoman) pos = writeEscape(out, pos, TO_JIS_ROMAN);
      mode = Mode.JisRoman;
      out[pos++] = unit === YEN_SIGN ? 0x5c : 0x7e;
    } else {
      return undefined;
    }
  }
  if (mode !== Mode.Ascii) pos = writeEscape(out, pos, TO_ASCII);
  return Buffer.from(out.subarray(0, pos));
}

function writeEscape(out: Buffer, pos: number, escape: readonly number[]): number {
  out[pos] = escape[0];
  out[pos + 1] = escape[1];
  out[pos + 2] = escape[2];
  return pos + 3;
}

function grow(buffer: Buffer): Buffer {
  const bigger = Buffer.allocUnsafe(buffer.length * 2 + 16);
  buffer.copy(bigger);
  return bigger;
}

// ---------------------------------------------------------------------------
// Charset decision for a whole outbound message.

export type MessageCharset = JapaneseMailCharset | 'utf-8';

export interface CharsetSetting {
  charset: 'iso-2022-jp' | 'utf-8';
  fallback: 'iso-2022-jp-ms' | 'utf-8';
}

/**
 * The one encoding the whole message (subject, display names, body: pass them
 * all) is written in; encodings are never mixed within a message.
 */
export function chooseCharset(text: string | readonly string[], setting: CharsetSetting): MessageCharset {
  if (setting.charset === 'utf-8') return 'utf-8';
  const parts = typeof text === 'string' ? [text] : text;
  const fits = (variant: JapaneseMailCharset) => parts.every((part) => findUnencodable(part, variant).length === 0);
  if (fits('iso-2022-jp')) return 'iso-2022-jp';
  if (setting.fallback === 'iso-2022-jp-ms' && fits('iso-2022-jp-ms')) return 'iso-2022-jp-ms';
  return 'utf-8';
}

// ---------------------------------------------------------------------------
// Decoder (inbound): ISO-2022-JP, CP50220/CP50221/CP50222.

const HALF_WIDTH_KATAKANA_FIRST = 0xff61;

enum DecodeMode {
  Ascii,
  JisRoman,
  JisX0208,
  HalfWidthKatakana,
}

/** Escape sequences after ESC, longest first. `null` = announcer, no mode change. */
const ESCAPES: [number[], DecodeMode | null][] = [
  [[0x24, 0x28, 0x42], DecodeMode.JisX0208], // ESC $ ( B
  [[0x26, 0x40], null], // ESC & @ (JIS X 0208-1990 announcer, precedes ESC $ B)
  [[0x24, 0x42], DecodeMode.JisX0208], // ESC $ B
  [[0x24, 0x40], DecodeMode.JisX0208], // ESC $ @ (JIS C 6226-1978)
  [[0x28, 0x42], DecodeMode.Ascii], // ESC ( B
  [[0x28, 0x4a], DecodeMode.JisRoman], // ESC ( J
  [[0x28, 0x49], DecodeMode.HalfWidthKatakana], // ESC ( I
];

function matchEscape(bytes: Uint8Array, at: number): [number, DecodeMode | null] | undefined {
  for (const [tail, mode] of ESCAPES) {
    if (tail.every((b, k) => bytes[at + 1 + k] === b)) return [tail.length + 1, mode];
  }
  return undefined;
}

/**
 * Decode ISO-2022-JP and Microsoft's variants. Never hides a problem: when
 * something cannot be decoded, `ok` is false and the spot holds U+FFFD.
 * Like Python's codec, CR/LF inside a JIS X 0208 run (a common encoder slip)
 * are kept as line breaks without changing mode.
 */
export function decodeIso2022Jp(bytes: Uint8Array): Iso2022JpDecoding {
  const { decode } = getTables();
  const units = new Uint16Array(bytes.length);
  const problems: Iso2022JpDecoding['problems'] = [];
  let count = 0;
  let ok = true;
  let mode = DecodeMode.Ascii;
  let shiftedOut = false; // SO … SI: half-width katakana (CP50222)

  const fail = (offset: number, reason: string) => {
    ok = false;
    units[count++] = 0xfffd;
    if (problems.length < MAX_REPORTED_PROBLEMS) problems.push({ offset, reason });
  };

  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (b === ESC) {
      const escape = matchEscape(bytes, i);
      if (!escape) {
        fail(i, 'unknown escape sequence');
        continue;
      }
      if (escape[1] !== null) mode = escape[1];
      i += escape[0] - 1;
      continue;
    }
    if (b === SO || b === SI) {
      shiftedOut = b === SO;
      continue;
    }
    if (b >= 0x80) {
      fail(i, '8-bit byte in a 7-bit ISO-2022-JP stream');
      continue;
    }
    if (b <= 0x20 || b === 0x7f) {
      units[count++] = b;
      continue;
    }
    if (shiftedOut || mode === DecodeMode.HalfWidthKatakana) {
      if (b <= 0x5f) units[count++] = HALF_WIDTH_KATAKANA_FIRST + b - 0x21;
      else fail(i, 'byte outside the half-width katakana set');
    } else if (mode === DecodeMode.JisX0208) {
      const trail = bytes[i + 1];
      if (trail === undefined || trail < 0x21 || trail > 0x7e) {
        fail(i, 'incomplete double-byte character');
        continue;
      }
      const unicode = decode[(b - 0x21) * 94 + trail - 0x21];
      if (unicode === 0) fail(i, 'unassigned JIS code');
      else units[count++] = unicode;
      i++;
    } else if (mode === DecodeMode.JisRoman && (b === 0x5c || b === 0x7e)) {
      units[count++] = b === 0x5c ? YEN_SIGN : OVERLINE;
    } else {
      units[count++] = b;
    }
  }
  return { text: unitsToString(units.subarray(0, count)), ok, problems };
}

const UTF16 = new TextDecoder('utf-16le');

/** The decoder only ever produces BMP characters, never surrogates, so this is lossless. */
function unitsToString(units: Uint16Array): string {
  return UTF16.decode(units);
}

/** 7-bit bytes containing a JIS X 0208 designation (ESC $ B or ESC $ @). */
export function looksLikeIso2022Jp(bytes: Uint8Array): boolean {
  let sawJis = false;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (b >= 0x80) return false;
    if (b === ESC && bytes[i + 1] === 0x24 && (bytes[i + 2] === 0x42 || bytes[i + 2] === 0x40)) sawJis = true;
  }
  return sawJis;
}
