// The only classes and functions a pickle may name: the numpy, scipy.sparse and collections
// constructors that Planetoid files use (and their Python 3 spellings). Nothing is ever executed
// here, but a pickle that names os.system or builtins.eval would run it in any Python loader, so
// accepting it would tell the user the file is fine: every other global is refused by name at the
// opcode that names it. Calls (REDUCE, NEWOBJ) and BUILD turn the allowed names into plain values.
import {
  describe,
  DType,
  NdArray,
  PyDict,
  PyGlobal,
  PyObject,
  pyText,
  type PyValue,
} from './py-values';

type Role =
  | 'ndarray' // numpy.core.multiarray._reconstruct(ndarray, (0,), b'b') + BUILD
  | 'dtype' // numpy.dtype('i4', 0, 1) + BUILD
  | 'class' // a class passed as an argument (ndarray, object, list as a defaultdict factory)
  | 'sparse' // a scipy CSR matrix class (NEWOBJ or copy_reg._reconstructor, then BUILD)
  | 'dict' // collections.defaultdict(list), collections.OrderedDict()
  | 'list' // list(iterable)
  | 'reconstructor' // copy_reg._reconstructor(cls, object, None): protocols 0 and 1
  | 'encode'; // _codecs.encode(str, 'latin1'): bytes in Python 3's protocol-2 pickles

const ALLOWED: Record<string, Role> = {
  'numpy.core.multiarray._reconstruct': 'ndarray',
  'numpy._core.multiarray._reconstruct': 'ndarray',
  'numpy.ndarray': 'class',
  'numpy.dtype': 'dtype',
  'scipy.sparse.csr.csr_matrix': 'sparse',
  'scipy.sparse._csr.csr_matrix': 'sparse',
  'scipy.sparse.csr_matrix': 'sparse',
  'collections.defaultdict': 'dict',
  'collections.OrderedDict': 'dict',
  '__builtin__.list': 'list',
  'builtins.list': 'list',
  '__builtin__.object': 'class',
  'builtins.object': 'class',
  'copy_reg._reconstructor': 'reconstructor',
  'copyreg._reconstructor': 'reconstructor',
  '_codecs.encode': 'encode',
};

/** The allowed globals, for messages and documentation. */
export const ALLOWED_GLOBALS: readonly string[] = Object.keys(ALLOWED);

const ALLOWED_WORDS =
  'a global Planetoid files use (the numpy, scipy.sparse and collections constructors: numpy.dtype, numpy.core.multiarray._reconstruct, scipy.sparse.csr.csr_matrix, collections.defaultdict, list …)';

/** Reports a problem at the current opcode (never returns). */
export type Fail = (expected: string, found: string) => never;

/** The global a GLOBAL / STACK_GLOBAL opcode names, if it is allowed. */
export function allowGlobal(module: string, name: string, fail: Fail): PyGlobal {
  const g = new PyGlobal(module, name);
  if (!Object.hasOwn(ALLOWED, g.qualified)) {
    fail(
      ALLOWED_WORDS,
      `the global ${g.qualified}, refused: a Python loader would import and call it`,
    );
  }
  return g;
}

const roleOf = (v: PyValue): Role | undefined =>
  v instanceof PyGlobal ? ALLOWED[v.qualified] : undefined;

/** REDUCE / NEWOBJ: what calling an allowed global with `args` makes. */
export function callGlobal(fn: PyValue, args: PyValue[], fail: Fail): PyValue {
  const role = roleOf(fn);
  switch (role) {
    case 'ndarray':
      return new NdArray();
    case 'dtype': {
      const d = pyText(args[0]);
      if (d === undefined) return fail('a dtype string', describe(args[0]));
      return new DType(d);
    }
    case 'dict': {
      const d = new PyDict();
      d.defaultFactory = args[0] ?? null;
      return d;
    }
    case 'list': {
      const items = args[0];
      if (items !== undefined && !Array.isArray(items)) return fail('a list', describe(items));
      return items ? items.slice() : [];
    }
    case 'sparse':
      return new PyObject(fn as PyGlobal, args);
    case 'reconstructor': {
      if (roleOf(args[0]) !== 'sparse')
        return fail('a scipy.sparse class to reconstruct', describe(args[0]));
      return new PyObject(args[0] as PyGlobal, []);
    }
    case 'encode': {
      const [text, encoding] = [args[0], pyText(args[1])];
      if (typeof text !== 'string' || !/^latin[-_]?1$/i.test(encoding ?? '')) {
        return fail('_codecs.encode(text, "latin1")', `${describe(text)}, ${describe(args[1])}`);
      }
      const out = new Uint8Array(text.length);
      for (let i = 0; i < text.length; i++) {
        const c = text.charCodeAt(i);
        if (c > 255) return fail('latin-1 text', `character ${c} at ${i}`);
        out[i] = c;
      }
      return out;
    }
    default:
      return fail('a constructor this reader knows how to call', describe(fn));
  }
}

/** BUILD: an object's state applied to it. */
export function build(obj: PyValue, state: PyValue, fail: Fail): void {
  if (obj instanceof NdArray) {
    if (!Array.isArray(state) || state.length < 5) {
      return fail('numpy array state (version, shape, dtype, fortran, data)', describe(state));
    }
    const [, shape, dtype, fortran, data] = state;
    if (!Array.isArray(shape) || !(dtype instanceof DType)) {
      return fail('numpy array state (version, shape, dtype, fortran, data)', describe(state));
    }
    const dims = shape.map((d) => (typeof d === 'number' ? d : NaN));
    const bad = dims.findIndex((d) => !Number.isSafeInteger(d) || d < 0);
    if (bad >= 0) return fail('an array shape of whole numbers ≥ 0', describe(shape[bad]));
    obj.shape = dims;
    obj.dtype = dtype;
    obj.fortranOrder = fortran === true;
    if (data instanceof Uint8Array) obj.data = data;
    else if (typeof data === 'string') obj.data = Uint8Array.from(data, (c) => c.charCodeAt(0));
    else return fail('raw array bytes', `${describe(data)} (object arrays are not supported)`);
    return;
  }
  if (obj instanceof DType) {
    if (Array.isArray(state) && state.length > 1) obj.byteorder = pyText(state[1]) ?? '=';
    return;
  }
  if (obj instanceof PyObject) {
    obj.state =
      Array.isArray(state) && state.length === 2 && state[0] instanceof PyDict ? state[0] : state;
    return;
  }
  if (obj instanceof PyDict && state instanceof PyDict) {
    for (const [k, v] of state.map) obj.map.set(k, v);
    return;
  }
  return fail('an object that accepts BUILD state', describe(obj));
}
