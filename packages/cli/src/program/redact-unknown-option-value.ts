/**
 * commander echoes an unknown option as written: `--secrte=hunter2` may carry a secret in a misspelled
 * flag, so its `=value` is left out.
 */
export function redactUnknownOptionValue(message: string): string {
  return message.replace(/(unknown option '--?[^'=\s]+)=[^\n]*?'(?=\s|$)/, "$1=…'");
}
