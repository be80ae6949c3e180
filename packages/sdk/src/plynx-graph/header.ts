// The prelude the PLynx editor puts above generated code when it shows it to the user.

/** Where a generated script connects to: a refresh token and the API base URL. */
export interface ScriptConnection {
  /** Refresh token the `plynx.api` client authenticates with. */
  token: string;
  /** API base URL, e.g. `https://host/plynx/api/v0`. */
  endpoint: string;
}

/**
 * The lines that make a GENERATE_CODE result a runnable script: shebang, the `plynx.api` import and the
 * `TOKEN`/`ENDPOINT` constants the generated code refers to, then two blank lines. Values are inserted
 * verbatim, as the editor does.
 * @example
 * ```ts
 * pythonScriptHeader({ token: 'eyJ...', endpoint: 'https://example.org/plynx/api/v0' });
 * // "#!/usr/bin/env python\nfrom plynx.api import Operation, File, Graph, Client\n\nTOKEN = 'eyJ...'\n..."
 * ```
 */
export function pythonScriptHeader({ token, endpoint }: ScriptConnection): string {
  return (
    '#!/usr/bin/env python\n' +
    'from plynx.api import Operation, File, Graph, Client\n\n' +
    `TOKEN = '${token}'\n` +
    `ENDPOINT = '${endpoint}'\n\n\n`
  );
}
