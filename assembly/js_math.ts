// sin, cos and tan come from the host's JavaScript Math, imported, not compiled in.
//
// AssemblyScript 0.28's own Math.sin/cos/tan (musl ports) reduce the argument wrongly for many
// non-integer |x| in about [1.65e6, 4.2e6), where they switch to the large-argument path:
// sin(2500000.1) came out −0.7131 instead of +0.7131. The host's Math is right over every
// binade, and V8 recognises an import of Math.sin/cos/tan with an (f64) → f64 signature and calls
// its own C implementation directly, with no JS frame: measured ≈ 2.5× faster per call than the
// compiled-in versions. Both engines then compute trig with the very same function, so the wasm
// engine agrees with the TypeScript one bit for bit here. src/wasm/imports.ts supplies them.
@external("math", "sin") export declare function sin(x: f64): f64;
@external("math", "cos") export declare function cos(x: f64): f64;
@external("math", "tan") export declare function tan(x: f64): f64;
