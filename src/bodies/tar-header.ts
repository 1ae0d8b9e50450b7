/**
 * Tar header blocks for the entries of a packed directory: ustar, with a PAX extended header where ustar cannot
 * hold a value (a long or non-ASCII name, a long link target, an owner id or mtime out of range).
 *
 * Why our own encoder: tar-stream has one, but its package "exports" hide it (only `pack()` is public, and
 * `pack()` queues every chunk on a streamx stream — the fresh buffers that the directory packer exists to avoid;
 * bench/README.md, "Peak RSS while streaming"), and without it the package needs neither tar-stream nor tar-fs
 * (with streamx, pump, bare-*: 18 of the runtime tree's 21 packages; tar-stream is the tests' oracle now). The bytes are the ones tar-stream 3.2.2 wrote for the contexts
 * this client sent until now (field formats, the name/prefix split, the PAX records and the `PaxHeader` name of
 * the blocks around them; directory names without a trailing `/`, the type flag says what they are), so a
 * context packs to the same tar as before. Where tar-stream wrote a wrong value, this writes a PAX record
 * instead: owner ids over 0o777777 (clamped to 777777 there) and mtimes before 1970 or from 2038 on (its 32-bit
 * seconds overflowed). Go's archive/tar (the daemon) and GNU tar read both forms.
 */

export type TarEntryType = 'file' | 'directory' | 'symlink';

export interface TarHeader {
  /** `/`-separated, relative, no trailing `/`. */
  name: string;
  type: TarEntryType;
  /** Permission bits (and file-type bits, which are dropped). */
  mode: number;
  uid: number;
  gid: number;
  /** Content bytes: 0 for directories and symlinks. */
  size: number;
  mtimeMs: number;
  linkname?: string;
}

export const BLOCK = 512;
const TYPEFLAG: Record<TarEntryType | 'pax', number> = { file: 0x30, symlink: 0x32, directory: 0x35, pax: 0x78 };
const MAX_ID = 0o777777; // 6 octal digits, tar-stream's field width
const MAX_SECONDS = 0o77777777777; // 11 octal digits: the year 2242
const MAGIC = Buffer.from('ustar\u000000', 'latin1'); // magic and version

/**
 * `n` in `digits` octal digits and a space (the field's last byte stays NUL); too large: all 7s, as tar-stream.
 * Digit by digit, no string per field: a header is encoded per file.
 */
function octal(buf: Buffer, offset: number, n: number, digits: number): void {
  if (n >= 8 ** digits) {
    buf.fill(0x37, offset, offset + digits);
  } else {
    for (let i = offset + digits - 1; i >= offset; i--, n = Math.floor(n / 8)) buf[i] = 0x30 + (n % 8);
  }
  buf[offset + digits] = 0x20;
}

/** 12-byte size field: 11 octal digits, or base-256 (GNU, read by Go and GNU tar) from 8 GiB on. */
function sizeField(buf: Buffer, size: number): void {
  if (size < 8 ** 11) {
    octal(buf, 124, size, 11);
    return;
  }
  buf[124] = 0x80;
  for (let i = 11, n = size; i > 0; i--, n = Math.floor(n / 256)) buf[124 + i] = n % 256;
}

/** ustar's name/prefix split, tar-stream's way (leading segments move to the prefix); undefined: needs PAX. */
function splitName(full: string): { name: string; prefix: string } | undefined {
  if (Buffer.byteLength(full) !== full.length) return undefined; // not ASCII
  let name = full;
  let prefix = '';
  while (name.length > 100) {
    const i = name.indexOf('/');
    if (i === -1) return undefined;
    prefix += prefix ? `/${name.slice(0, i)}` : name.slice(0, i);
    name = name.slice(i + 1);
  }
  return prefix.length > 155 ? undefined : { name, prefix };
}

/**
 * The fields of one block that differ from `h`'s in a PAX pair (name, type, size, link target, mtime). Built as
 * a plain literal on the ustar path: an object spread there per header doubled V8's heap for a context of 16k
 * small files (bench/README.md, "Uploads: build from a directory").
 */
interface Fields {
  name: string;
  prefix: string;
  typeflag: number;
  size: number;
  linkname: string | undefined;
  seconds: number;
}

function block(h: TarHeader, f: Fields): Buffer {
  const buf = Buffer.alloc(BLOCK);
  buf.write(f.name, 0, 'utf8');
  octal(buf, 100, h.mode & 0o7777, 6);
  octal(buf, 108, h.uid, 6);
  octal(buf, 116, h.gid, 6);
  sizeField(buf, f.size);
  octal(buf, 136, f.seconds, 11);
  buf[156] = f.typeflag;
  if (f.linkname) buf.write(f.linkname, 157, 'utf8');
  MAGIC.copy(buf, 257);
  octal(buf, 329, 0, 6); // devmajor
  octal(buf, 337, 0, 6); // devminor
  if (f.prefix) buf.write(f.prefix, 345, 'latin1');
  octal(buf, 148, headerChecksum(buf), 6);
  return buf;
}

/** A header block's checksum: the sum of its bytes with the checksum field (148–155) counted as spaces. */
export function headerChecksum(buf: Uint8Array): number {
  let sum = 8 * 0x20;
  for (let i = 0; i < 148; i++) sum += buf[i];
  for (let i = 156; i < BLOCK; i++) sum += buf[i];
  return sum;
}

/** One PAX record: `<length> <key>=<value>\n`, the length counting itself. */
function record(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  const len = Buffer.byteLength(body);
  let digits = String(len).length;
  if (len + digits >= 10 ** digits) digits++;
  return `${len + digits}${body}`;
}

/** The header block(s) of one entry: 512 bytes, or PAX header + records (padded) + header. */
export function encodeHeader(h: TarHeader): Buffer {
  const seconds = Math.floor(h.mtimeMs / 1000);
  const extra: [string, string][] = [];
  if (h.uid > MAX_ID) extra.push(['uid', String(h.uid)]);
  if (h.gid > MAX_ID) extra.push(['gid', String(h.gid)]);
  const badTime = seconds < 0 || seconds > MAX_SECONDS;
  if (badTime) extra.push(['mtime', String(seconds)]);
  const split = splitName(h.name);
  const linkFits = !h.linkname || Buffer.byteLength(h.linkname) <= 100;
  if (split && linkFits && extra.length === 0) {
    return block(h, { name: split.name, prefix: split.prefix, typeflag: TYPEFLAG[h.type], size: h.size, linkname: h.linkname, seconds });
  }
  let text = record('path', h.name);
  if (h.linkname) text += record('linkpath', h.linkname);
  for (const [k, v] of extra) text += record(k, v);
  const records = Buffer.from(text, 'utf8');
  const padded = Math.ceil(records.length / BLOCK) * BLOCK;
  const out = Buffer.alloc(BLOCK + padded + BLOCK);
  const linkname = h.linkname ? 'PaxHeader' : undefined;
  const pax = { name: 'PaxHeader', prefix: '', linkname, seconds: badTime ? 0 : seconds };
  block(h, { ...pax, typeflag: TYPEFLAG.pax, size: records.length }).copy(out, 0);
  records.copy(out, BLOCK);
  block(h, { ...pax, typeflag: TYPEFLAG[h.type], size: h.size }).copy(out, BLOCK + padded);
  return out;
}
