// Types of native-addons.mjs, for the TypeScript that imports it (the newcomer's sandbox).
export interface NativeAddon {
  /** The package's name. */
  name: string;
  /** The workspace package that depends on it, from the repository root. */
  from: string;
  /** JavaScript that fails unless the addon loads and works. */
  check: string;
  /** The first Node major that does not use it, if one does not. */
  usedBelow?: number;
}
export declare const NATIVE_ADDONS: readonly NativeAddon[];
export declare function cachedTree(version: string): string;
export declare function headersVersion(dir: string): string | undefined;
export declare function headersTree(execPath?: string, version?: string): string | undefined;
