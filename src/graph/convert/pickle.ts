// A minimal, safe pickle reader: it executes nothing. It knows the opcodes of protocols 0–5 that
// plain data uses (the Planetoid files are protocol 2: scipy CSR matrices, numpy arrays and a
// defaultdict of lists) and accepts only the globals those files name (pickle-globals.ts), turned
// into plain values. Bounded: no recursion, no spread of an input-sized array onto the call stack,
// integers of at most MAX_INT_BYTES bytes.
import { PickleError } from '../errors';
import { allowGlobal, build as buildObject, callGlobal } from './pickle-globals';
import { OPCODE_NAMES } from './pickle-opcodes';
import {
  describe,
  latin1,
  PyDict,
  PyGlobal,
  PyObject,
  PySet,
  pyText,
  type PyValue,
  toKey,
} from './py-values';

/** The longest integer a pickle may hold (Planetoid files need 8 bytes; 256 is generous). */
export const MAX_INT_BYTES = 256;

/** Parses a pickle. `file` names it in errors. */
export function unpickle(bytes: Uint8Array, file: string): PyValue {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const stack: PyValue[] = [];
  const marks: number[] = [];
  const memo = new Map<number, PyValue>();
  let pos = 0;
  let opAt = 0;
  const utf8 = new TextDecoder('utf-8');

  const fail = (expected: string, found: string): never => {
    throw new PickleError(file, opAt, expected, found);
  };
  const need = (n: number) => {
    if (pos + n > bytes.length) {
      fail(
        `${n} more bytes for ${OPCODE_NAMES[bytes[opAt]]}`,
        `the end of the file (${bytes.length} bytes): truncated`,
      );
    }
  };
  const u8 = () => {
    need(1);
    return bytes[pos++];
  };
  const u16 = () => {
    need(2);
    const v = dv.getUint16(pos, true);
    pos += 2;
    return v;
  };
  const u32 = () => {
    need(4);
    const v = dv.getUint32(pos, true);
    pos += 4;
    return v;
  };
  const i32 = () => {
    need(4);
    const v = dv.getInt32(pos, true);
    pos += 4;
    return v;
  };
  const u64 = () => {
    need(8);
    const v = dv.getBigUint64(pos, true);
    pos += 8;
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) fail('a length that fits in memory', `${v}`);
    return Number(v);
  };
  const take = (n: number) => {
    need(n);
    const v = bytes.slice(pos, pos + n);
    pos += n;
    return v;
  };
  const line = () => {
    const end = bytes.indexOf(0x0a, pos);
    if (end < 0) fail('a newline-terminated argument', 'the end of the file');
    const s = latin1(bytes.subarray(pos, end));
    pos = end + 1;
    return s;
  };
  const pop = (): PyValue => {
    if (stack.length === 0 || (marks.length && stack.length <= marks[marks.length - 1])) {
      fail('a value on the stack', 'an empty stack');
    }
    return stack.pop()!;
  };
  const top = (): PyValue => {
    if (stack.length === 0) fail('a value on the stack', 'an empty stack');
    return stack[stack.length - 1];
  };
  const popMark = (): PyValue[] => {
    const m = marks.pop();
    if (m === undefined) fail('a MARK before this opcode', 'no MARK');
    return stack.splice(m!);
  };
  const signedLE = (b: Uint8Array): bigint => {
    let v = 0n;
    for (let i = b.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]);
    if (b.length && b[b.length - 1] & 0x80) v -= 1n << BigInt(8 * b.length);
    return v;
  };
  const intValue = (v: bigint): number | bigint =>
    v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
  const resolveGlobal = (module: string, name: string) => allowGlobal(module, name, fail);
  const build = (obj: PyValue, state: PyValue) => buildObject(obj, state, fail);
  const pushAll = (target: PyValue[], items: PyValue[]) => {
    for (const v of items) target.push(v);
  };
  const longBytes = (n: number) => {
    if (n > MAX_INT_BYTES) fail(`an integer of at most ${MAX_INT_BYTES} bytes`, `${n} bytes`);
    return take(n);
  };
  const decimal = (s: string) => {
    if (!/^[+-]?\d+$/.test(s)) fail('a decimal integer', describe(s));
    if (s.length > 2.5 * MAX_INT_BYTES)
      fail(`an integer of at most ${2.5 * MAX_INT_BYTES} digits`, `${s.length} digits`);
    return intValue(BigInt(s));
  };

  for (;;) {
    opAt = pos;
    if (pos >= bytes.length) fail('a STOP opcode', 'the end of the file: truncated');
    const op = bytes[pos++];
    switch (op) {
      case 0x80: // PROTO
        u8();
        break;
      case 0x95: // FRAME
        u64();
        break;
      case 0x2e: // STOP
        if (stack.length !== 1 || marks.length)
          fail('one value on the stack at STOP', `${stack.length}`);
        return stack[0];
      case 0x28: // MARK
        marks.push(stack.length);
        break;
      case 0x30: // POP
        if (marks.length && stack.length === marks[marks.length - 1]) marks.pop();
        else pop();
        break;
      case 0x31: // POP_MARK
        popMark();
        break;
      case 0x32: // DUP
        stack.push(top());
        break;
      case 0x4e: // NONE
        stack.push(null);
        break;
      case 0x88: // NEWTRUE
        stack.push(true);
        break;
      case 0x89: // NEWFALSE
        stack.push(false);
        break;
      case 0x4a: // BININT
        stack.push(i32());
        break;
      case 0x4b: // BININT1
        stack.push(u8());
        break;
      case 0x4d: // BININT2
        stack.push(u16());
        break;
      case 0x8a: // LONG1
        stack.push(intValue(signedLE(longBytes(u8()))));
        break;
      case 0x8b: // LONG4
        stack.push(intValue(signedLE(longBytes(u32()))));
        break;
      case 0x49: {
        // INT (text); "01"/"00" are True/False in protocol 0
        const s = line().trim();
        if (s === '01' || s === '00') stack.push(s === '01');
        else stack.push(decimal(s));
        break;
      }
      case 0x4c: {
        // LONG (text)
        stack.push(decimal(line().trim().replace(/L$/, '')));
        break;
      }
      case 0x46: {
        // FLOAT (text)
        const s = line().trim();
        const v = Number(s);
        if (Number.isNaN(v) && !/^[+-]?nan$/i.test(s)) fail('a decimal number', describe(s));
        stack.push(v);
        break;
      }
      case 0x47: // BINFLOAT (big-endian f64)
        need(8);
        stack.push(dv.getFloat64(pos, false));
        pos += 8;
        break;
      case 0x54: // BINSTRING
        stack.push(take(u32()));
        break;
      case 0x55: // SHORT_BINSTRING
        stack.push(take(u8()));
        break;
      case 0x42: // BINBYTES
        stack.push(take(u32()));
        break;
      case 0x43: // SHORT_BINBYTES
        stack.push(take(u8()));
        break;
      case 0x8e: // BINBYTES8
      case 0x96: // BYTEARRAY8
        stack.push(take(u64()));
        break;
      case 0x58: // BINUNICODE
        stack.push(utf8.decode(take(u32())));
        break;
      case 0x8c: // SHORT_BINUNICODE
        stack.push(utf8.decode(take(u8())));
        break;
      case 0x8d: // BINUNICODE8
        stack.push(utf8.decode(take(u64())));
        break;
      case 0x29: // EMPTY_TUPLE
        stack.push([]);
        break;
      case 0x85: // TUPLE1
        stack.push([pop()]);
        break;
      case 0x86: {
        // TUPLE2
        const b = pop();
        const a = pop();
        stack.push([a, b]);
        break;
      }
      case 0x87: {
        // TUPLE3
        const c = pop();
        const b = pop();
        const a = pop();
        stack.push([a, b, c]);
        break;
      }
      case 0x74: // TUPLE
      case 0x6c: // LIST
        stack.push(popMark());
        break;
      case 0x5d: // EMPTY_LIST
        stack.push([]);
        break;
      case 0x7d: // EMPTY_DICT
        stack.push(new PyDict());
        break;
      case 0x64: {
        // DICT
        const items = popMark();
        const d = new PyDict();
        stack.push(d);
        setItems(d, items);
        break;
      }
      case 0x8f: // EMPTY_SET
        stack.push(new PySet());
        break;
      case 0x91: {
        // FROZENSET
        const s = new PySet();
        pushAll(s.items, popMark());
        stack.push(s);
        break;
      }
      case 0x90: {
        // ADDITEMS
        const items = popMark();
        const s = top();
        if (!(s instanceof PySet)) fail('a set to add items to', describe(s));
        pushAll((s as PySet).items, items);
        break;
      }
      case 0x61: {
        // APPEND
        const v = pop();
        appendTo(top(), [v]);
        break;
      }
      case 0x65: {
        // APPENDS
        const items = popMark();
        appendTo(top(), items);
        break;
      }
      case 0x73: {
        // SETITEM
        const v = pop();
        const k = pop();
        setItems(top(), [k, v]);
        break;
      }
      case 0x75: {
        // SETITEMS
        const items = popMark();
        setItems(top(), items);
        break;
      }
      case 0x63: {
        // GLOBAL
        const module = line();
        const name = line();
        stack.push(resolveGlobal(module, name));
        break;
      }
      case 0x93: {
        // STACK_GLOBAL
        const name = pyText(pop());
        const module = pyText(pop());
        if (module === undefined || name === undefined)
          fail('module and name strings', 'other values');
        stack.push(resolveGlobal(module!, name!));
        break;
      }
      case 0x52: {
        // REDUCE
        const args = pop();
        const fn = pop();
        if (!Array.isArray(args)) fail('an argument tuple', describe(args));
        stack.push(callGlobal(fn, args as PyValue[], fail));
        break;
      }
      case 0x81: {
        // NEWOBJ
        const args = pop();
        const cls = pop();
        if (!(cls instanceof PyGlobal) || !Array.isArray(args))
          fail('a class and an argument tuple', describe(cls));
        stack.push(callGlobal(cls, args as PyValue[], fail));
        break;
      }
      case 0x92: {
        // NEWOBJ_EX
        pop();
        const args = pop();
        const cls = pop();
        if (!(cls instanceof PyGlobal) || !Array.isArray(args))
          fail('a class and an argument tuple', describe(cls));
        stack.push(callGlobal(cls, args as PyValue[], fail));
        break;
      }
      case 0x62: {
        // BUILD
        const state = pop();
        build(top(), state);
        break;
      }
      case 0x71: // BINPUT
        memo.set(u8(), top());
        break;
      case 0x72: // LONG_BINPUT
        memo.set(u32(), top());
        break;
      case 0x70: // PUT (text)
        memo.set(Number(line()), top());
        break;
      case 0x94: // MEMOIZE
        memo.set(memo.size, top());
        break;
      case 0x68: // BINGET
      case 0x6a: // LONG_BINGET
      case 0x67: {
        // GET (text)
        const idx = op === 0x68 ? u8() : op === 0x6a ? u32() : Number(line());
        if (!memo.has(idx)) fail(`a memo entry ${idx} stored earlier`, 'none');
        stack.push(memo.get(idx)!);
        break;
      }
      default: {
        const name = OPCODE_NAMES[op];
        const ch = op >= 0x20 && op < 0x7f ? ` '${String.fromCharCode(op)}'` : '';
        throw new PickleError(
          file,
          opAt,
          'an opcode this reader knows (the protocol 0–5 data opcodes)',
          `opcode 0x${op.toString(16).padStart(2, '0')}${ch}${name ? ` (${name}, not supported)` : ' (unknown)'}`,
        );
      }
    }
  }

  function appendTo(target: PyValue, items: PyValue[]) {
    if (Array.isArray(target)) pushAll(target, items);
    else if (target instanceof PyObject) pushAll(target.items, items);
    else fail('a list to append to', describe(target));
  }

  function setItems(target: PyValue, items: PyValue[]) {
    if (items.length % 2) fail('key/value pairs', `${items.length} items`);
    for (let i = 0; i < items.length; i += 2) {
      const key = toKey(items[i]);
      if (key === undefined)
        fail('a dict key (a number, a string or a tuple of them)', describe(items[i]));
      if (target instanceof PyDict) target.map.set(key!, items[i + 1]);
      else if (target instanceof PyObject) target.dictItems.set(key!, items[i + 1]);
      else fail('a dict to set items in', describe(target));
    }
  }
}
