// Which engine wrote a file: the package's name and version, recorded in every export.
import pkg from '../../package.json';

export const ENGINE: { name: string; version: string } = { name: pkg.name, version: pkg.version };
