import { KeyObject, type SignKeyObjectInput, sign } from 'node:crypto';
import { type CryptoKey, exportJWK, generateKeyPair, importJWK, type JWK } from 'jose';
import type { Clock, OAuthStorage, Random, SigningKeyRecord } from '../ports.js';

/**
 * The algorithm of new signing keys. ES256 was chosen by measurement: with node:crypto it signs faster than
 * Ed25519 and ~10x faster than RS256, verifies faster than Ed25519, and every common JOSE stack verifies it
 * (docs/adr/0002-access-token-algorithm.md). Keys of the other algorithms in VERIFIABLE_ALGS still verify.
 */
export const ACCESS_TOKEN_ALG = 'ES256';

/** Algorithms whose published keys are accepted when verifying (older keys may use EdDSA). */
export const VERIFIABLE_ALGS = ['ES256', 'EdDSA'];

/** Signs a JWS signing input with a node KeyObject, as the key's algorithm requires. */
type Signer = (signingInput: Buffer) => Promise<Buffer>;

/**
 * node:crypto's callback form signs on the libuv thread pool, so the event loop goes on serving requests
 * while a signature is computed (measured: more tokens per second than signing on the main thread).
 */
function signerFor(alg: string, key: KeyObject): Signer {
  const signWith = (digest: string | null, options: KeyObject | SignKeyObjectInput) => (input: Buffer) =>
    new Promise<Buffer>((resolve, reject) =>
      sign(digest, input, options, (error, signature) => (error === null ? resolve(signature) : reject(error))),
    );
  switch (alg) {
    case 'ES256':
      // RFC 7518 §3.4: the JWS signature is R || S (IEEE P1363), not node's default DER encoding.
      return signWith('sha256', { key, dsaEncoding: 'ieee-p1363' });
    case 'EdDSA':
      return signWith(null, key);
    default:
      throw new Error(`cannot sign with ${alg}`);
  }
}

interface LoadedKey {
  record: SigningKeyRecord;
  publicKey: CryptoKey;
  /** Set for the active key: node:crypto signs about twice as fast as WebCrypto through jose. */
  signer: Signer | undefined;
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
    private readonly storage: Pick<OAuthStorage, 'keys' | 'transaction'>,
    private readonly clock: Clock,
    private readonly random: Random,
  ) {}

  async refresh(): Promise<void> {
    const records = await this.storage.keys.listPublished(this.clock.now());
    const next = new Map<string, LoadedKey>();
    for (const record of records) {
      const loaded = this.keys.get(record.kid);
      // Reloaded when it was retired meanwhile, so a retired key's private half leaves memory.
      next.set(record.kid, loaded?.record.retiredAt === record.retiredAt ? loaded : await loadKey(record));
    }
    this.keys = next;
    // listPublished returns newest first: the first un-retired key signs.
    this.activeKid = records.find((record) => record.retiredAt === null)?.kid;
  }

  /** Makes sure a signing key exists (first start). */
  async ensureActiveKey(): Promise<void> {
    await this.refresh();
    if (this.activeKid !== undefined) return;
    // Nothing is retired here: instances starting together on an empty database each add a key, and every
    // one of them stays published (the newest signs everywhere after the next sync).
    await this.storage.keys.create(await generateKeyRecord(this.random.token(12), this.clock.now()));
    await this.refresh();
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

  signingKey(): { kid: string; signer: Signer; encodedHeader: string } {
    const loaded = this.activeKid === undefined ? undefined : this.keys.get(this.activeKid);
    if (loaded?.signer === undefined) throw new Error('no active signing key: run ensureActiveKey() first');
    return { kid: loaded.record.kid, signer: loaded.signer, encodedHeader: loaded.encodedHeader };
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
  const signer =
    record.retiredAt === null
      ? signerFor(
          record.alg,
          KeyObject.from((await importJWK(JSON.parse(record.privateJwk) as JWK, record.alg)) as CryptoKey),
        )
      : undefined;
  // RFC 9068 §2.1: access tokens are typed "at+jwt" so they cannot be confused with other JWTs.
  const header = { alg: record.alg, typ: 'at+jwt', kid: record.kid };
  return { record, publicKey, signer, encodedHeader: Buffer.from(JSON.stringify(header)).toString('base64url') };
}

async function generateKeyRecord(kid: string, now: number): Promise<SigningKeyRecord> {
  const { publicKey, privateKey } = await generateKeyPair(ACCESS_TOKEN_ALG, { extractable: true });
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
