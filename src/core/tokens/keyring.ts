import { KeyObject } from 'node:crypto';
import { type CryptoKey, exportJWK, generateKeyPair, importJWK, type JWK } from 'jose';
import type { Clock, Random, SigningKeyRecord, Storage } from '../ports.js';

/**
 * The access-token signing algorithm. EdDSA (Ed25519) was chosen by measurement: it signs several times
 * faster than ES256 and ~50x faster than RS256, and verification is cached by the resource server
 * (docs/adr/0002-access-token-algorithm.md).
 */
export const ACCESS_TOKEN_ALG = 'EdDSA';

interface LoadedKey {
  record: SigningKeyRecord;
  publicKey: CryptoKey;
  /** A node KeyObject: signing with node:crypto directly is about twice as fast as through WebCrypto. */
  privateKey: KeyObject | undefined;
  /** The base64url JOSE header, the same for every token this key signs. */
  encodedHeader: string;
}

/**
 * The signing keys, loaded from storage. The newest un-retired key signs; every published key verifies.
 * `refresh()` re-reads storage, so a rotation made by another process (the CLI) is picked up.
 */
export class KeyRing {
  private keys = new Map<string, LoadedKey>();
  private activeKid: string | undefined;

  constructor(
    private readonly storage: Pick<Storage, 'keys' | 'transaction'>,
    private readonly clock: Clock,
    private readonly random: Random,
  ) {}

  async refresh(): Promise<void> {
    const records = await this.storage.keys.listPublished(this.clock.now());
    const next = new Map<string, LoadedKey>();
    for (const record of records) {
      next.set(record.kid, this.keys.get(record.kid) ?? (await loadKey(record)));
    }
    this.keys = next;
    // listPublished returns newest first: the first un-retired key signs.
    this.activeKid = records.find((record) => record.retiredAt === null)?.kid;
  }

  /** Makes sure a signing key exists (first start). */
  async ensureActiveKey(): Promise<void> {
    await this.refresh();
    if (this.activeKid === undefined) await this.rotate(0);
  }

  /**
   * Creates a new signing key. The previous one stops signing at once but stays published for
   * `keepPreviousForMs` (the access-token lifetime), so tokens it signed still verify until they expire.
   */
  async rotate(keepPreviousForMs: number): Promise<SigningKeyRecord> {
    const now = this.clock.now();
    const record = await generateKeyRecord(this.random.token(12), now);
    await this.storage.transaction(async (tx) => {
      await tx.keys.retireActive(now, now + keepPreviousForMs);
      await tx.keys.create(record);
    });
    await this.refresh();
    return record;
  }

  signingKey(): { kid: string; key: KeyObject; encodedHeader: string } {
    const loaded = this.activeKid === undefined ? undefined : this.keys.get(this.activeKid);
    if (loaded?.privateKey === undefined) throw new Error('no active signing key: run ensureActiveKey() first');
    return { kid: loaded.record.kid, key: loaded.privateKey, encodedHeader: loaded.encodedHeader };
  }

  verificationKey(kid: string): CryptoKey | undefined {
    return this.keys.get(kid)?.publicKey;
  }

  /** RFC 7517 JWK Set of every published key. */
  jwks(): { keys: JWK[] } {
    return { keys: [...this.keys.values()].map((key) => JSON.parse(key.record.publicJwk) as JWK) };
  }
}

async function loadKey(record: SigningKeyRecord): Promise<LoadedKey> {
  const publicKey = (await importJWK(JSON.parse(record.publicJwk) as JWK, record.alg)) as CryptoKey;
  // A retired key never signs again, so its private half is not kept in memory.
  const privateKey =
    record.retiredAt === null
      ? KeyObject.from((await importJWK(JSON.parse(record.privateJwk) as JWK, record.alg)) as CryptoKey)
      : undefined;
  // RFC 9068 §2.1: access tokens are typed "at+jwt" so they cannot be confused with other JWTs.
  const header = { alg: record.alg, typ: 'at+jwt', kid: record.kid };
  return { record, publicKey, privateKey, encodedHeader: Buffer.from(JSON.stringify(header)).toString('base64url') };
}

async function generateKeyRecord(kid: string, now: number): Promise<SigningKeyRecord> {
  const { publicKey, privateKey } = await generateKeyPair(ACCESS_TOKEN_ALG, { crv: 'Ed25519', extractable: true });
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: ACCESS_TOKEN_ALG, use: 'sig' };
  const privateJwk = { ...(await exportJWK(privateKey)), kid, alg: ACCESS_TOKEN_ALG };
  return {
    kid,
    alg: ACCESS_TOKEN_ALG,
    privateJwk: JSON.stringify(privateJwk),
    publicJwk: JSON.stringify(publicJwk),
    createdAt: now,
    retiredAt: null,
    expiresAt: null,
  };
}
