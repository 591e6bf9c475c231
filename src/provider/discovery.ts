import { discoveryURL, type RobloxEndpoints } from './endpoints';
import { RobloxDiscoveryError, RobloxError } from '../errors';
import { getJson, isLoopbackHost } from './http';
import { ACCEPTED_ID_TOKEN_ALGS } from './id-token';
import { isObject } from '../tokens/is-object';

/**
 * Checks that a URL is https, or http on a loopback host. Returns the parsed URL.
 * `what` names the option or field in the error message.
 */
export function checkSecureURL(value: string, what: string, make: (msg: string) => Error): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw make(`${what} is not a valid URL`);
  }
  if (url.protocol === 'https:') return url;
  if (url.protocol === 'http:' && isLoopbackHost(url.hostname)) return url;
  throw make(`${what} must use https (http is accepted only for loopback hosts such as 127.0.0.1)`);
}

/**
 * Reads a discovery document into endpoints. The document's issuer must equal the configured issuer
 * exactly (mix-up defence), and every endpoint must be https or loopback http.
 */
export function parseDiscovery(issuer: string, doc: unknown): RobloxEndpoints {
  const fail = (msg: string) => new RobloxDiscoveryError(msg);
  if (!isObject(doc)) throw fail('The discovery document is not a JSON object');
  if (doc.issuer !== issuer) {
    // The provider's value is not quoted: it is provider text. The hint is computed, not copied.
    const got = typeof doc.issuer === 'string' ? doc.issuer : undefined;
    const hint = got === `${issuer}/` || (got !== undefined && `${got}/` === issuer) ? ' (they differ only by the trailing slash)' : '';
    throw fail(`The discovery document's issuer does not equal the configured issuer "${issuer}"${hint}`);
  }
  const url = (field: string, required: boolean): string => {
    const v = doc[field];
    if (v === undefined && !required) return '';
    if (typeof v !== 'string') throw fail(`The discovery document has no ${field}`);
    checkSecureURL(v, `The discovery document's ${field}`, fail);
    return v;
  };
  const algs = doc.id_token_signing_alg_values_supported;
  if (!Array.isArray(algs) || !algs.every((a) => typeof a === 'string')) {
    throw fail('The discovery document has no id_token_signing_alg_values_supported');
  }
  // Refused here, before a login starts and a code is redeemed, rather than when the first ID token arrives.
  if (!algs.some((a) => ACCEPTED_ID_TOKEN_ALGS.has(a as string))) {
    throw fail('The provider signs ID tokens only with algorithms this library refuses (none and HMAC are never accepted)');
  }
  return {
    issuer,
    authorizationURL: url('authorization_endpoint', true),
    tokenURL: url('token_endpoint', true),
    userInfoURL: url('userinfo_endpoint', true),
    jwksURL: url('jwks_uri', true),
    introspectionURL: url('introspection_endpoint', false),
    revocationURL: url('revocation_endpoint', false),
    resourcesURL: url('resources_endpoint', false),
    idTokenSigningAlgs: algs as string[],
    issParameterSupported: doc.authorization_response_iss_parameter_supported === true,
  };
}

/**
 * Returns a function that resolves the provider's endpoints, fetching the discovery document once and
 * caching it. A failed fetch is not cached, so the next login tries again.
 */
export function createDiscovery(issuer: string, timeout: number): () => Promise<RobloxEndpoints> {
  let cached: Promise<RobloxEndpoints> | undefined;
  return () => {
    if (!cached) {
      cached = getJson(discoveryURL(issuer), timeout)
        .then((doc) => parseDiscovery(issuer, doc))
        .catch((cause: unknown) => {
          cached = undefined;
          if (cause instanceof RobloxDiscoveryError) throw cause;
          const detail = cause instanceof RobloxError ? `: ${cause.message}` : '';
          throw new RobloxDiscoveryError(`Could not read the discovery document of ${issuer}${detail}`, { cause });
        });
    }
    return cached;
  };
}
