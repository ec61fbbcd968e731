/** Folders and files (repo-relative) whose content the compiled program depends on. */
export declare const COMPILER_SOURCES: readonly string[];
/** SHA-256 (hex) of the compiler's source under `root` (the repository). */
export declare function compilerSourceHash(root: string): string;
