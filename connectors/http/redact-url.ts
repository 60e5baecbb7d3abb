const sensitiveParam = /(key|token|secret|password|passwd|signature|sig|auth|credential|session)/i;

/**
 * A URL safe to show in logs and errors: user info removed and the values of query parameters
 * whose names look secret replaced by `***`.
 */
export function redactUrl(url: string | URL): string {
  let parsed: URL;
  try {
    parsed = new URL(url.toString());
  } catch {
    return '<invalid url>';
  }
  parsed.username = '';
  parsed.password = '';
  for (const name of [...parsed.searchParams.keys()]) {
    if (sensitiveParam.test(name)) parsed.searchParams.set(name, '***');
  }
  return parsed.toString().replace(/%2A%2A%2A/g, '***');
}
