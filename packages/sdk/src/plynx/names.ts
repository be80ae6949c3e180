// How PLynx's python client turns input, parameter and output names into keyword names.

/** `name` with every `-` and `.` replaced by `_` (so `max-count` is written `max_count`). */
export type PyName<S extends string> = S extends `${infer A}-${infer B}`
  ? PyName<`${A}_${B}`>
  : S extends `${infer A}.${infer B}`
    ? PyName<`${A}_${B}`>
    : S;

/**
 * The keyword name under which an input, parameter or output named `name` is passed or read: `-` and `.`
 * become `_`, as in PLynx's python client.
 * @example
 * ```ts
 * pyName('max-count.v2'); // 'max_count_v2'
 * ```
 */
export function pyName<S extends string>(name: S): PyName<S> {
  // The replacement is exactly what PyName<S> computes at the type level.
  return name.replace(/[-.]/g, '_') as PyName<S>;
}
