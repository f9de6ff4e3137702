/**
 * Records and repositories of the REST API's resources. Like the protocol ports, nothing here knows HTTP or
 * SQL. Every resource row belongs to one owner in one environment (a `DataScope`): sandbox and live data
 * never mix, and one owner never sees another's. Times are epoch milliseconds.
 */
import type { Environment } from '../../oauth/ports.js';

/** Whose data a request may touch: the token's owner in the token's environment. */
export interface DataScope {
  /** The end user of an authorization-code token, or the owner of the client's application. */
  ownerId: string;
  environment: Environment;
}

/** Keyset pagination: rows strictly after `after` in the list's order, at most `limit` of them. */
export interface PageRequest {
  limit: number;
  after?: PagePosition | undefined;
}

/** A row's place in a list's order: its sort time, then its id (ties broken by id, so the order is total). */
export interface PagePosition {
  at: number;
  id: string;
}

export interface ContactRecord {
  id: string;
  ownerId: string;
  environment: Environment;
  name: string;
  email: string | null;
  /** E.164, e.g. +31612345678. */
  phone: string | null;
  /** ISO 639-1, e.g. nl. */
  language: string | null;
  tags: string[];
  createdAt: number;
  updatedAt: number;
}

/** The fields a client sets on a contact (create and replace): everything but id, scope and times. */
export type ContactFields = Pick<ContactRecord, 'name' | 'email' | 'phone' | 'language' | 'tags'>;

/** The mutable fields of a contact; a patch sets any subset. */
export type ContactChanges = Partial<ContactFields>;

export interface ContactRepository {
  insert(contact: ContactRecord): Promise<void>;
  find(scope: DataScope, id: string): Promise<ContactRecord | undefined>;
  /** Oldest first: ordered by (createdAt, id). */
  list(scope: DataScope, page: PageRequest): Promise<ContactRecord[]>;
  /**
   * Sets only the fields in `changes` (and `updatedAt`) in one atomic statement and returns the contact as
   * stored afterwards; undefined if the scope has no such contact. Fields not in `changes` keep whatever is
   * stored at that moment, so concurrent patches of different fields never undo each other. Tags are stored
   * as given (normalise them first).
   */
  patch(scope: DataScope, id: string, changes: ContactChanges, updatedAt: number): Promise<ContactRecord | undefined>;
  /** False if no such row. A contact's messages stay (their contact id then dangles on purpose: history). */
  delete(scope: DataScope, id: string): Promise<boolean>;
}

export type MessageChannel = 'sms' | 'email' | 'whatsapp';
export const MESSAGE_CHANNELS: readonly MessageChannel[] = ['sms', 'email', 'whatsapp'];

export type MessageStatus = 'queued' | 'sent' | 'delivered' | 'failed';
export const MESSAGE_STATUSES: readonly MessageStatus[] = ['queued', 'sent', 'delivered', 'failed'];

export interface MessageEventRecord {
  status: MessageStatus;
  at: number;
  /** Why, for a failure (e.g. "the contact has no phone number"); null otherwise. */
  detail: string | null;
}

export interface MessageRecord {
  id: string;
  ownerId: string;
  environment: Environment;
  contactId: string;
  channel: MessageChannel;
  body: string;
  status: MessageStatus;
  createdAt: number;
  updatedAt: number;
  /** Every status the message has had, oldest first; the first is always `queued` at `createdAt`. */
  events: MessageEventRecord[];
}

export interface MessageRepository {
  /** Stores the message and its first event (`events[0]`) together. */
  insert(message: MessageRecord): Promise<void>;
  find(scope: DataScope, id: string): Promise<MessageRecord | undefined>;
  /** Oldest first: ordered by (createdAt, id). */
  list(scope: DataScope, page: PageRequest): Promise<MessageRecord[]>;
  /**
   * Messages of any owner in `status` whose last change (`updatedAt`) is at or before `before`, the longest
   * unchanged first (by `updatedAt`, then id), at most `limit`: what is due for the worker's next step, so
   * that messages not yet due neither cost a load nor hold up the ones that are.
   */
  listDue(status: MessageStatus, before: number, limit: number): Promise<MessageRecord[]>;
  /**
   * Moves a message from `from` to `event.status` and records the event, atomically and only if it is
   * still in `from`: false when another worker got there first.
   */
  transition(id: string, from: MessageStatus, event: MessageEventRecord): Promise<boolean>;
}

export interface NewsRecord {
  id: string;
  environment: Environment;
  /** Null for public news; else the owner (customer) it is addressed to. */
  customerId: string | null;
  /** ISO 639-1. */
  lang: string;
  title: string;
  body: string;
  publishedAt: number;
}

export interface NewsFilter {
  environment: Environment;
  /** Null: public news only; a customer id: that customer's news only. */
  customerId: string | null;
  lang?: string | undefined;
  /** Only news published at or after this instant. */
  since?: number | undefined;
}

export interface NewsRepository {
  insert(item: NewsRecord): Promise<void>;
  /** Newest first: ordered by (publishedAt desc, id desc); `page.after` continues that order. */
  list(filter: NewsFilter, page: PageRequest): Promise<NewsRecord[]>;
}

/** The owner of a client's application, as the example API needs it to find whose data a client's token sees. */
export interface AppOwnerLookup {
  findById(id: string): Promise<{ ownerId: string } | undefined>;
}

/** The signed-in user's name, for `/me`. */
export interface UserLookup {
  findById(id: string): Promise<{ id: string; username: string } | undefined>;
}

export interface ExampleRepositories {
  contacts: ContactRepository;
  messages: MessageRepository;
  news: NewsRepository;
  apps: AppOwnerLookup;
  users: UserLookup;
}
