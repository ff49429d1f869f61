import { Config } from '@backstage/config';
import { CacheService } from '@backstage/backend-plugin-api';
import { ServiceUnavailableError } from '@backstage/errors';
import { parseImageRef, withVersion } from '../manifests/imageRef';

/** Does an image version exist? Asked before anything is written. */
export interface ImageRegistry {
  versionExists(image: string, version: string): Promise<boolean>;
}

interface RegistryCredentials {
  host: string;
  /** A bearer token sent as is (e.g. a registry access token). */
  token?: string;
  /** Basic credentials for the registry's token service. */
  username?: string;
  password?: string;
  /** Plain HTTP, for a registry on localhost. */
  insecure?: boolean;
}

// Manifest media types a registry may hold for a tag: OCI and Docker, single and multi-arch.
const ACCEPT = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');

const DOCKER_HUB = 'registry-1.docker.io';

/**
 * Checks tags and digests with the OCI distribution API: `HEAD
 * /v2/<name>/manifests/<reference>`, following the registry's bearer-token
 * challenge anonymously or with configured credentials. Positive answers are
 * cached briefly (a tag that exists keeps existing for the length of a
 * deployment); negative ones are not, so a just-pushed image is found.
 */
export class OciRegistryClient implements ImageRegistry {
  static fromConfig(config: Config, options: { cache?: CacheService } = {}) {
    const registries = (
      config.getOptionalConfigArray('gitops.registries') ?? []
    ).map(c => ({
      host: c.getString('host'),
      token: c.getOptionalString('token'),
      username: c.getOptionalString('username'),
      password: c.getOptionalString('password'),
      insecure: c.getOptionalBoolean('insecure'),
    }));
    return new OciRegistryClient(registries, options.cache);
  }

  constructor(
    private readonly registries: RegistryCredentials[],
    private readonly cache?: CacheService,
    private readonly timeoutMs = 10_000,
  ) {}

  async versionExists(image: string, version: string): Promise<boolean> {
    const ref = parseImageRef(image);
    const host = ref.registry ?? DOCKER_HUB;
    const repository =
      !ref.registry && !ref.repository.includes('/')
        ? `library/${ref.repository}`
        : ref.repository;
    const key = `gitops:image:${host}/${repository}@${version}`;
    if (await this.cache?.get<boolean>(key)) {
      return true;
    }
    const credentials = this.registries.find(r => r.host === host);
    const scheme = credentials?.insecure ? 'http' : 'https';
    const url = `${scheme}://${host}/v2/${repository}/manifests/${encodeURIComponent(
      version,
    )}`;
    const what = withVersion(image, version);
    try {
      let response = await this.#head(url, credentials?.token);
      if (response.status === 401 && !credentials?.token) {
        const token = await this.#token(
          response.headers.get('www-authenticate'),
          credentials,
        );
        if (token) {
          response = await this.#head(url, token);
        }
      }
      if (response.ok) {
        await this.cache?.set(key, true, { ttl: { minutes: 5 } });
        return true;
      }
      if (response.status === 404) {
        return false;
      }
      throw new ServiceUnavailableError(
        `Could not check ${what}: registry ${host} answered ${response.status}`,
      );
    } catch (error) {
      if (error instanceof ServiceUnavailableError) throw error;
      throw new ServiceUnavailableError(
        `Could not check ${what}: registry ${host} is unreachable (${
          (error as Error).message
        })`,
      );
    }
  }

  #head(url: string, token?: string) {
    return fetch(url, {
      method: 'HEAD',
      headers: {
        Accept: ACCEPT,
        ...(token ? { Authorization: `Bearer ${token}` } : {}),
      },
      signal: AbortSignal.timeout(this.timeoutMs),
    });
  }

  // `Bearer realm="https://auth/token",service="registry",scope="repository:x:pull"`
  async #token(challenge: string | null, credentials?: RegistryCredentials) {
    const params = Object.fromEntries(
      [...(challenge ?? '').matchAll(/(\w+)="([^"]*)"/g)].map(m => [
        m[1],
        m[2],
      ]),
    );
    if (!/^Bearer /i.test(challenge ?? '') || !params.realm) {
      return undefined;
    }
    const url = new URL(params.realm);
    if (params.service) url.searchParams.set('service', params.service);
    if (params.scope) url.searchParams.set('scope', params.scope);
    const headers: Record<string, string> = {};
    if (credentials?.username) {
      headers.Authorization = `Basic ${Buffer.from(
        `${credentials.username}:${credentials.password ?? ''}`,
      ).toString('base64')}`;
    }
    const response = await fetch(url, {
      headers,
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    if (!response.ok) {
      return undefined;
    }
    const body = (await response.json()) as {
      token?: string;
      access_token?: string;
    };
    return body.token ?? body.access_token;
  }
}
