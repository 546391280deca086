// The module object itself (a namespace import would be a read-only copy): dynamic/index.js looks
// serializeFunction up on it at each call.
import closure = require("@pulumi/pulumi/runtime/closure/serializeClosure");

/**
 * A dynamic resource's constructor serializes its provider's code for the engine (`__provider`), walking
 * every function the provider captures through V8's inspector (pulumi/pulumi sdk/nodejs/dynamic/index.ts,
 * serializeProvider). The offline plan leaves that text out of what it shows (engine.ts cleanInputs), and
 * making it was 1.2 s of a 3 s `plan --stack full`. While a plan's program runs, the serializer the
 * constructor calls returns an empty function instead; it is restored when the run ends. Whether each
 * provider really serializes, and works once serialized, is tested on its own (test/unit/lab: lease,
 * unity-check, traffic), with the real serializer.
 */
type SerializeFunction = typeof closure.serializeFunction;

const EMPTY: Awaited<ReturnType<SerializeFunction>> = { text: "exports.handler = () => undefined;\n", exportName: "handler", containsSecrets: false };

export async function withoutProviderSerialization<T>(run: () => Promise<T>): Promise<T> {
  const exports = closure as { serializeFunction: SerializeFunction };
  const original = exports.serializeFunction;
  exports.serializeFunction = async () => EMPTY;
  try {
    return await run();
  } finally {
    exports.serializeFunction = original;
  }
}
