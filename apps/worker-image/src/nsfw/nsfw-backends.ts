/**
 * The TensorFlow.js backends that install and run here. tfjs-node (native)
 * is out: its install downloads libtensorflow from Google's storage. WASM
 * (SIMD, one thread in Node) classified 20 to 50 times as many images per
 * second as the pure-JS cpu backend (bench:nsfw: 11.9 against 0.25 for
 * mobilenet_v2_mid on 224×224), hence the default.
 */
export const NSFW_BACKENDS = ['wasm', 'cpu'] as const;
export type NsfwBackend = (typeof NSFW_BACKENDS)[number];
