// A minimal, safe pickle reader: it executes nothing. It knows the opcodes of protocols 0–5 that
// plain data uses (the Planetoid files are protocol 2: scipy CSR matrices, numpy arrays and a
// defaultdict of lists) and accepts only the globals those files name (pickle-globals.ts), turned
// into plain values. Bounded: no recursion, no spread of an input-sized array onto the call stack,
// integers of at most MAX_INT_BYTES bytes (pickle-cursor.ts).
import { PickleError } from '../errors';
import { allowGlobal, build as buildObject, callGlobal } from './pickle-globals';
import { PickleCursor } from './pickle-cursor';
import { OPCODE_NAMES } from './pickle-opcodes';
import {
  describe,
  PyDict,
  PyGlobal,
  PyObject,
  PySet,
  pyText,
  type PyValue,
  toKey,
} from './py-values';

/** Parses a pickle. `file` names it in errors. */
export function unpickle(bytes: Uint8Array, file: string): PyValue {
  const c = new PickleCursor(bytes, file);
  const fail = c.fail;
  const stack: PyValue[] = [];
  const marks: number[] = [];
  const memo = new Map<number, PyValue>();
  const utf8 = new TextDecoder('utf-8');

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
  const resolveGlobal = (module: string, name: string) => allowGlobal(module, name, fail);
  const build = (obj: PyValue, state: PyValue) => buildObject(obj, state, fail);
  const pushAll = (target: PyValue[], items: PyValue[]) => {
    for (const v of items) target.push(v);
  };

  for (;;) {
    const op = c.op();
    switch (op) {
      case 0x80: // PROTO
        c.u8();
        break;
      case 0x95: // FRAME
        c.u64();
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
        stack.push(c.i32());
        break;
      case 0x4b: // BININT1
        stack.push(c.u8());
        break;
      case 0x4d: // BININT2
        stack.push(c.u16());
        break;
      case 0x8a: // LONG1
        stack.push(c.long(c.u8()));
        break;
      case 0x8b: // LONG4
        stack.push(c.long(c.u32()));
        break;
      case 0x49: {
        // INT (text); "01"/"00" are True/False in protocol 0
        const s = c.line().trim();
        if (s === '01' || s === '00') stack.push(s === '01');
        else stack.push(c.decimal(s));
        break;
      }
      case 0x4c: {
        // LONG (text)
        stack.push(c.decimal(c.line().trim().replace(/L$/, '')));
        break;
      }
      case 0x46: {
        // FLOAT (text)
        const s = c.line().trim();
        const v = Number(s);
        if (Number.isNaN(v) && !/^[+-]?nan$/i.test(s)) fail('a decimal number', describe(s));
        stack.push(v);
        break;
      }
      case 0x47: // BINFLOAT (big-endian f64)
        stack.push(c.f64());
        break;
      case 0x54: // BINSTRING
        stack.push(c.take(c.u32()));
        break;
      case 0x55: // SHORT_BINSTRING
        stack.push(c.take(c.u8()));
        break;
      case 0x42: // BINBYTES
        stack.push(c.take(c.u32()));
        break;
      case 0x43: // SHORT_BINBYTES
        stack.push(c.take(c.u8()));
        break;
      case 0x8e: // BINBYTES8
      case 0x96: // BYTEARRAY8
        stack.push(c.take(c.u64()));
        break;
      case 0x58: // BINUNICODE
        stack.push(utf8.decode(c.take(c.u32())));
        break;
      case 0x8c: // SHORT_BINUNICODE
        stack.push(utf8.decode(c.take(c.u8())));
        break;
      case 0x8d: // BINUNICODE8
        stack.push(utf8.decode(c.take(c.u64())));
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
        const module = c.line();
        const name = c.line();
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
        memo.set(c.u8(), top());
        break;
      case 0x72: // LONG_BINPUT
        memo.set(c.u32(), top());
        break;
      case 0x70: // PUT (text)
        memo.set(Number(c.line()), top());
        break;
      case 0x94: // MEMOIZE
        memo.set(memo.size, top());
        break;
      case 0x68: // BINGET
      case 0x6a: // LONG_BINGET
      case 0x67: {
        // GET (text)
        const idx = op === 0x68 ? c.u8() : op === 0x6a ? c.u32() : Number(c.line());
        if (!memo.has(idx)) fail(`a memo entry ${idx} stored earlier`, 'none');
        stack.push(memo.get(idx)!);
        break;
      }
      default: {
        const name = OPCODE_NAMES[op];
        const ch = op >= 0x20 && op < 0x7f ? ` '${String.fromCharCode(op)}'` : '';
        throw new PickleError(
          file,
          c.opAt,
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
