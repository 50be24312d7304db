/** Types of readme-blocks.mjs, for test/bench-readme.spec.ts. */
export declare const BENCH_MARKERS: readonly string[];
export declare function benchBlocks(results: unknown): Record<string, string>;
export declare function performanceSection(readme: string): [number, number];
export declare function markersIn(readme: string): string[];
export declare function replaceBlocks(readme: string, blocks: Record<string, string>): string;
